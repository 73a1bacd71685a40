"""A bubblewrap sandbox around each grading kernel.

``SandboxKernelManager`` is a jupyter_client kernel manager whose kernel command is wrapped in
``bwrap``: the kernel talks to the grader over ZMQ's ``ipc`` transport (unix sockets in a folder
of its own, the only thing it shares with the grader), sees a filesystem built from an allow
list and runs under resource limits. What it sees:

* read-only: the system folders (/usr, /etc, /bin, /lib*), the Python installation and its
  site-packages, the nnlib package folder (nothing else of the checkout: no ``solutions/``, no
  ``.git``), and this package's kernel guard;
* writable: a scratch copy of the submission's folder at the kernel's working directory,
  a small /tmp (which is also HOME), and the socket folder;
* nothing else: no HOME, no course folder, no gradebook, no other submission, no network
  (``--unshare-all``: own network, PID, IPC and UTS namespaces), no host processes;
* limits: address space, CPU seconds, processes, file size, open files (``prlimit``); when the
  grader runs as root, where RLIMIT_NPROC does not apply, a pids cgroup instead.

The kernel is PID 1's child in its PID namespace: killing the kernel (``shutdown_kernel``) ends
every process it started, detached or not. Linux only; ``available()`` says whether it works here.
"""
import functools
import importlib.util
import os
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

GUARD = Path(__file__).resolve().parent / "_kernel_guard.py"
GUARD_IN_SANDBOX = "/opt/nnlib-grader/_kernel_guard.py"
SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Passed through to the kernel (numerics); everything else of the grader's environment stays out.
PASS_ENV = ("LANG", "LC_ALL", "TZ", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "PYTHONHASHSEED")
CGROUP_PIDS = Path("/sys/fs/cgroup/pids")


@dataclass(frozen=True)
class Limits:
    """Per-kernel limits. ``memory`` is address space (RLIMIT_AS), ``cpu_seconds`` the kernel's
    total CPU time (each cell also has nbgrader's wall-clock timeout), ``processes`` the tasks the
    sandbox may hold (threads count: ipykernel and OpenBLAS start a dozen)."""
    memory: int = 4 << 30
    cpu_seconds: int = 300
    processes: int = 64
    file_size: int = 64 << 20
    open_files: int = 256
    tmp_size: int = 64 << 20


DEFAULT_LIMITS = Limits()


@functools.lru_cache(maxsize=None)
def available():
    """True if ``bwrap`` exists and can build an unprivileged sandbox here (checked once)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None or not sys.platform.startswith("linux") or shutil.which("prlimit") is None:
        return False
    try:
        run = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                              "--unshare-all", "--die-with-parent", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


def why_unavailable():
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    if shutil.which("prlimit") is None:
        return "prlimit (util-linux) is not installed"
    return "bwrap is installed but cannot create a sandbox here (unprivileged user namespaces disabled?)"


@functools.lru_cache(maxsize=None)
def _python_folders():
    """Folders the kernel's Python needs, read-only: installation, environment, site-packages,
    and the nnlib package folder (found without importing it)."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    folders.update(p for p in site.getsitepackages() if os.path.isdir(p))
    user_site = site.getusersitepackages()
    if isinstance(user_site, str) and os.path.isdir(user_site):
        folders.add(user_site)
    spec = importlib.util.find_spec("nnlib")
    if spec is not None and spec.submodule_search_locations:
        folders.update(spec.submodule_search_locations)
    folders = {os.path.realpath(f) for f in folders} | folders
    outside_system = [f for f in folders if not any(f == s or f.startswith(s + "/") for s in SYSTEM)]
    # parents first, and no folder twice
    return tuple(sorted(set(outside_system), key=lambda p: (p.count("/"), p)))


def _process_count(uid):
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def wrap(cmd, cwd, writable, limits=DEFAULT_LIMITS, cgroup=None):
    """``cmd`` run in a new sandbox whose working directory ``cwd`` is the writable folder
    ``writable[cwd]``; ``writable`` maps sandbox paths to host folders bound read-write."""
    bwrap = shutil.which("bwrap")
    args = [bwrap, "--unshare-all", "--die-with-parent", "--uid", "65534", "--gid", "65534",
            "--dev", "/dev", "--proc", "/proc"]
    for folder in SYSTEM:
        if os.path.islink(folder):
            args += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            args += ["--ro-bind", folder, folder]
    args += ["--size", str(limits.tmp_size), "--tmpfs", "/tmp"]
    for folder in _python_folders():
        args += ["--ro-bind", folder, folder]
    args += ["--ro-bind", str(GUARD), GUARD_IN_SANDBOX]
    for inside, outside in writable.items():
        args += ["--bind", str(outside), str(inside)]
    args += ["--chdir", str(cwd), "--clearenv"]
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "IPYTHONDIR": "/tmp/.ipython",
           "MPLCONFIGDIR": "/tmp/.matplotlib", "PYTHONDONTWRITEBYTECODE": "1", "MALLOC_ARENA_MAX": "2"}
    env.update({k: os.environ[k] for k in PASS_ENV if k in os.environ})
    for key, value in env.items():
        args += ["--setenv", key, value]
    processes = limits.processes
    if os.geteuid() != 0:
        # RLIMIT_NPROC counts every process of this user, not only the sandbox's
        processes += _process_count(os.geteuid())
    rlimits = ["prlimit", f"--as={limits.memory}", f"--cpu={limits.cpu_seconds}", f"--nproc={processes}",
               f"--fsize={limits.file_size}", f"--nofile={limits.open_files}", "--core=0", "--"]
    full = rlimits + args + ["--", *cmd]
    if cgroup is not None:
        full = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(cgroup), *full]
    return full


def make_pids_cgroup(limits=DEFAULT_LIMITS):
    """A pids cgroup holding at most ``limits.processes`` tasks, for a grader running as root
    (RLIMIT_NPROC does not bind root); None where it cannot be made (then only rlimits apply)."""
    if os.geteuid() != 0 or not (CGROUP_PIDS / "pids.max").exists() and not CGROUP_PIDS.is_dir():
        return None
    try:
        path = Path(tempfile.mkdtemp(prefix="nnlib-grade-", dir=CGROUP_PIDS))
        (path / "pids.max").write_text(str(limits.processes))
        return path
    except OSError:
        return None


def remove_cgroup(path):
    if path is None:
        return
    import time

    for _ in range(50):
        try:
            procs = (path / "cgroup.procs").read_text().split()
            for pid in procs:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)



# A unix socket's path holds at most 107 bytes, and ZMQ's ipc sockets live in the box
# (<root>/nnlib-sandbox-XXXXXXXX/ipc/k-NN, about 35 more): a deep TMPDIR (pytest's under xdist)
# would make them "File name too long", so such a TMPDIR gives way to /tmp.
_SOCKET_PATH_MAX = 107


def _short_temp_root():
    root = tempfile.gettempdir()
    if len(os.fsencode(root)) + 40 > _SOCKET_PATH_MAX and os.path.isdir("/tmp"):
        return "/tmp"
    return root

class SandboxKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel runs in a bubblewrap sandbox (module docstring).

    The kernel's working directory (nbclient passes the notebook's folder) is replaced inside the
    sandbox by a scratch copy of it; nothing the kernel writes reaches the real folder. Its
    sockets and connection file live in a private folder removed at shutdown, as is the copy.
    """

    limits = DEFAULT_LIMITS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._box = Path(tempfile.mkdtemp(prefix="nnlib-sandbox-", dir=_short_temp_root()))
        os.chmod(self._box, 0o700)
        (self._box / "ipc").mkdir()
        (self._box / "scratch").mkdir()
        self.transport = "ipc"
        self.connection_file = str(self._box / "ipc" / "kernel.json")
        self.ip = str(self._box / "ipc" / "k")
        self._cgroup = None

    async def _async_pre_start_kernel(self, **kw):
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        # ipykernel reads interrupt requests on its control channel; a signal to the process group
        # would reach bwrap, not the kernel
        self.kernel_spec.interrupt_mode = "message"
        return cmd, kw

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        cwd = os.path.realpath(self._launch_args.get("cwd") or os.getcwd())
        scratch = self._box / "scratch"
        shutil.rmtree(scratch)
        shutil.copytree(cwd, scratch, symlinks=True,
                        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        self._cgroup = make_pids_cgroup(self.limits)
        return wrap(cmd, cwd, {cwd: scratch, str(self._box / "ipc"): self._box / "ipc"}, self.limits, self._cgroup)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._remove_box()

    def _remove_box(self):
        remove_cgroup(self._cgroup)
        self._cgroup = None
        shutil.rmtree(self._box, ignore_errors=True)

    def __del__(self):
        try:
            self._remove_box()
        except Exception:
            pass
