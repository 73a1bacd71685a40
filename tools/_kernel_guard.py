"""Run by the grading kernel at start-up, before any learner code (``IPKernelApp.exec_files``).

It records the objects a test cell relies on: the functions and classes of numpy, math, builtins
and nnlib (``np.allclose``, ``np.testing.assert_allclose``, ...), the methods of IPython's and
ipykernel's classes (``run_cell``, ``showtraceback``, ...), the shell's input and AST
transformers, its custom exception handlers, ``sys.excepthook`` and the trace hooks. The grader
(``tools._guarded_execute``) then calls, silently and outside the notebook:

* ``restore(nonce, names)`` before each test cell: puts every recorded object back, prints what
  it had to put back (tampering by the cells before), which of ``names`` are nnlib's own
  objects (delegation), and ``nonce`` to prove it ran;
* ``verify(nonce)`` after each test cell: prints what changed while the test ran (learner code
  the test called that patched a comparison function, say), and ``nonce``;
* ``after(nonce, next_names)``: ``verify``, plus the delegation check of ``restore`` for a test
  cell that comes right after this one.

The grader sends these calls as ``user_expressions`` of the cell before (IPython evaluates them
right after the cell, with no input transformer in the way, and only if the cell raised no
error), or, when that cell raised, as a silent request of their own.

Everything here runs inside the learner's kernel, so it raises the bar; it is not a proof
against code written to defeat this module (README, "What the sandbox does not guarantee").
"""


def _nnlib_install_guard():
    import builtins
    import functools
    import importlib
    import json
    import pkgutil
    import signal
    import sys
    import threading
    import types

    import numpy  # noqa: F401  (recorded below with its submodules)
    import numpy.testing  # noqa: F401
    import numpy.linalg  # noqa: F401
    import math  # noqa: F401

    try:
        import nnlib
        for info in pkgutil.walk_packages(nnlib.__path__, "nnlib."):
            # modules that draw (matplotlib, ipywidgets) take seconds to import and no test
            # compares through them; the others are recorded before any submitted code runs
            try:
                source = info.module_finder.find_spec(info.name).loader.get_source(info.name) or ""
                if "matplotlib" in source or "ipywidgets" in source:
                    continue
                importlib.import_module(info.name)
            except Exception:  # a module that needs an optional dependency
                pass
    except ImportError:
        pass

    _MISSING = object()
    shell = get_ipython()  # noqa: F821  (IPython's builtin in the kernel)
    kernel = getattr(shell, "kernel", None)
    watched_prefixes = ("numpy", "nnlib", "math", "operator", "functools", "IPython.core",
                        "ipykernel", "json", "re")

    library_prefixes = ("numpy", "nnlib", "math", "operator", "functools", "json", "re")

    def watched(name):
        return any(name == p or name.startswith(p + ".") for p in watched_prefixes)

    def interesting(value, library=False):
        # in the libraries tests call, anything callable (np.allclose is a C dispatcher object, not a
        # function); in IPython and ipykernel only code objects, not the stateful instances they keep
        if library and callable(value):
            return True
        return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType,
                                  staticmethod, classmethod, property, numpy.ufunc, functools.partial))

    modules = {}
    classes = {}
    for name, module in list(sys.modules.items()):
        if module is None or not watched(name):
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        library = any(name == p or name.startswith(p + ".") for p in library_prefixes)
        modules[name] = (module, {k: v for k, v in namespace.items() if interesting(v, library)})
        for value in namespace.values():
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                try:
                    classes[value] = {k: v for k, v in vars(value).items() if interesting(v)}
                except TypeError:
                    pass
    # ipykernel swaps these while a cell runs (stdin forwarding)
    builtins_all = {k: v for k, v in vars(builtins).items() if k not in ("input", "raw_input", "getpass")}

    def shell_hooks():
        itm = shell.input_transformer_manager
        return {
            "input_transformers_cleanup": list(shell.input_transformers_cleanup),
            "input_transformers_post": list(shell.input_transformers_post),
            "ast_transformers": list(shell.ast_transformers),
            "input_transformer_manager": itm,
            "itm.cleanup_transforms": list(getattr(itm, "cleanup_transforms", [])),
            "itm.line_transforms": list(getattr(itm, "line_transforms", [])),
            "itm.token_transformers": list(getattr(itm, "token_transformers", [])),
            "custom_exceptions": shell.custom_exceptions,
            "CustomTB": shell.CustomTB,
            "InteractiveTB": shell.InteractiveTB,
            "SyntaxTB": shell.SyntaxTB,
            "stdout": sys.stdout,
            "stderr": sys.stderr,
            "pre_run_cell": list(shell.events.callbacks.get("pre_run_cell", [])),
            "pre_execute": list(shell.events.callbacks.get("pre_execute", [])),
        }

    hooks = shell_hooks()
    # IPython puts get_ipython, exit and quit into builtins only while it runs a cell; the guard
    # is also called between cells (user expressions), so it compares builtins inside that trap
    builtin_trap = shell.builtin_trap
    instance_keys = {id(obj): set(vars(obj)) for obj in (shell, kernel) if obj is not None}
    lists = {"sys.meta_path": (sys.meta_path, list(sys.meta_path)),
             "sys.path_hooks": (sys.path_hooks, list(sys.path_hooks))}
    nnlib_objects = {}
    for name, (module, saved) in modules.items():
        if name == "nnlib" or name.startswith("nnlib."):
            for key, value in saved.items():
                if not isinstance(value, types.ModuleType):
                    nnlib_objects.setdefault(key, []).append(value)

    def differences():
        """Names of the recorded objects that are not what they were (fixing them as it goes)."""
        changed = []
        for name, (module, saved) in modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
            namespace = module.__dict__
            for key, value in saved.items():
                if namespace.get(key, _MISSING) is not value:
                    namespace[key] = value
                    changed.append(f"{name}.{key}")
        for cls, saved in classes.items():
            namespace = vars(cls)
            for key, value in saved.items():
                if namespace.get(key, _MISSING) is not value:
                    try:
                        setattr(cls, key, value)
                    except (TypeError, AttributeError):
                        pass
                    changed.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
        namespace = vars(builtins)
        for key, value in builtins_all.items():
            if namespace.get(key, _MISSING) is not value:
                namespace[key] = value
                changed.append(f"builtins.{key}")
        for key in [k for k in namespace if k not in builtins_all and not k.startswith("_")
                    and k not in ("input", "raw_input", "getpass")]:
            del namespace[key]
            changed.append(f"builtins.{key} (added)")
        for obj in (shell, kernel):
            if obj is None:
                continue
            for key in [k for k in vars(obj) if k not in instance_keys[id(obj)]]:
                # an instance attribute that hides a method of the class (shell.showtraceback = ...)
                if isinstance(getattr(type(obj), key, None), types.FunctionType):
                    delattr(obj, key)
                    changed.append(f"{type(obj).__name__}.{key} (instance override)")
        now = shell_hooks()
        for key, value in hooks.items():
            if key.startswith("itm."):
                current = getattr(hooks["input_transformer_manager"], key[4:], None)
                if current is not None and list(current) != value:
                    current[:] = value
                    changed.append(key)
            elif isinstance(value, list):
                if now[key] != value:
                    target = (getattr(shell, key) if key.startswith(("input_", "ast_"))
                              else shell.events.callbacks.setdefault(key, []))
                    target[:] = value
                    changed.append(key)
            elif now[key] is not value:
                if key in ("stdout", "stderr"):
                    setattr(sys, key, value)
                else:
                    setattr(shell, key, value)
                changed.append(key)
        for key, (target, saved) in lists.items():
            if list(target) != saved:
                target[:] = saved
                changed.append(key)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            changed.append("sys.settrace/setprofile")
        sys.settrace(None)
        sys.setprofile(None)
        threading.settrace(None)
        threading.setprofile(None)
        if hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            changed.append("a pending alarm")
        return changed

    def delegated(names):
        """Which of ``names`` (in the notebook's namespace) are nnlib's own function or class."""
        found = []
        for name in names:
            value = shell.user_ns.get(name, _MISSING)
            if value is _MISSING:
                continue
            code = getattr(value, "__code__", None)
            for original in nnlib_objects.get(name, ()):
                if value is original or (code is not None and code is getattr(original, "__code__", None)):
                    found.append(name)
                    break
        return found

    def report(nonce, **fields):
        # written straight to the kernel's own stream object, whatever sys.stdout is now
        hooks["stdout"].write(f"{nonce} {json.dumps(fields)}\n")
        hooks["stdout"].flush()

    def checked():
        with builtin_trap:
            return differences()

    def restore(nonce, names=()):
        report(nonce, restored=checked(), delegated=delegated(names))

    def verify(nonce):
        report(nonce, changed=checked())

    def after(nonce, next_names=None):
        # verify for the test that just ran, and the delegation check of the next test cell when
        # it follows at once (no learner code runs in between, so its restore would find nothing)
        fields = {"changed": checked()}
        if next_names is not None:
            fields["delegated"] = delegated(next_names)
        report(nonce, **fields)

    guard = types.ModuleType("_nnlib_grading_guard")
    guard.restore = restore
    guard.verify = verify
    guard.after = after
    sys.modules["_nnlib_grading_guard"] = guard


_nnlib_install_guard()
del _nnlib_install_guard
