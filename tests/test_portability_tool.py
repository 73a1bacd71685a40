"""tools.portability builds each configuration's environment from its name (CI runs the tool itself)."""
from tools.portability import DEFAULT_CONFIGS, config_env


def test_native_leaves_the_kernel_to_openblas():
    env = config_env("native:2")
    assert env["OPENBLAS_NUM_THREADS"] == "2"
    assert "OPENBLAS_CORETYPE" not in env and "NPY_DISABLE_CPU_FEATURES" not in env


def test_kernel_threads_and_numpy_features(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")          # a caller's own setting must not leak in
    monkeypatch.setenv("NPY_DISABLE_CPU_FEATURES", "AVX2")
    env = config_env("Sandybridge:1")
    assert (env["OPENBLAS_CORETYPE"], env["OPENBLAS_NUM_THREADS"]) == ("Sandybridge", "1")
    assert "NPY_DISABLE_CPU_FEATURES" not in env
    env = config_env("Prescott:2:X86_V3")
    assert (env["OPENBLAS_CORETYPE"], env["OPENBLAS_NUM_THREADS"], env["NPY_DISABLE_CPU_FEATURES"]) == (
        "Prescott", "2", "X86_V3")


def test_defaults_cover_several_kernels_and_numpy_without_avx2():
    kernels = {c.split(":")[0] for c in DEFAULT_CONFIGS}
    assert {"native", "Sandybridge", "Prescott"} <= kernels
    assert any(c.count(":") == 2 for c in DEFAULT_CONFIGS)
