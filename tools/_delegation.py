"""Does an answer cell implement X, or hand X over to nnlib? (read from the cell's syntax tree)

An answer *delegates* a name N when N is something nnlib exports (a top-level function or class
of an nnlib module) and the answer binds N to nnlib's own N: ``from nnlib.activations import
softmax``, ``softmax = activations.softmax``, ``def softmax(z): return activations.softmax(z)``,
``class Dense(layers.Dense): ...``, also through an alias imported earlier in the notebook. A
name the reference solution itself builds from nnlib's N is not counted. Using *other* nnlib
functions (a layer inside a training loop) is fine. ``delegated_names`` returns ``{N: reason}``.
"""
import ast
import functools
import importlib.util
from pathlib import Path


@functools.lru_cache(maxsize=None)
def nnlib_exports():
    """Top-level function and class names of every nnlib module (parsed, not imported)."""
    spec = importlib.util.find_spec("nnlib")
    names = set()
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    for folder in spec.submodule_search_locations:
        for path in Path(folder).rglob("*.py"):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError, OSError):
                continue
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                    names.add(node.name)
    return frozenset(names)


def _parse(source):
    """The cell as a syntax tree; IPython magics and shell escapes are blanked out first."""
    lines = [("" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def nnlib_aliases(sources):
    """``{local name: what it is}`` for names the cells bind to nnlib: ``"module"`` for nnlib or
    one of its modules, otherwise the nnlib name imported (``from nnlib.x import y as z``: z -> y)."""
    aliases = {}
    for source in sources:
        aliases.update(_cell_aliases(source))
    return aliases


@functools.lru_cache(maxsize=4096)  # every test re-reads the cells above it: parse each once
def _cell_aliases(source):
    aliases = {}
    tree = _parse(source)
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "nnlib" or a.name.startswith("nnlib."):
                        aliases[a.asname or a.name.split(".")[0]] = "module"
            elif isinstance(node, ast.ImportFrom) and node.module and (node.module == "nnlib" or node.module.startswith("nnlib.")):
                for a in node.names:
                    aliases[a.asname or a.name] = "module" if a.name not in nnlib_exports() else a.name
    return aliases


def _root(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _refers_to(tree, name, aliases):
    """True if ``tree`` mentions nnlib's ``name``: ``<nnlib module>.name`` or an alias of it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == name and aliases.get(_root(node.value)) == "module":
            return True
        if isinstance(node, ast.Name) and aliases.get(node.id) == name:
            return True
    return False


def _bindings(tree):
    """(name, node that gives it its value) for each top-level binding of the cell."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) and node.value:
            yield node.target.id, node.value
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nnlib":
            for a in node.names:
                yield a.asname or a.name, node


def defined_names(source):
    """Top-level names the cell binds that nnlib also exports (what the question may ask for)."""
    tree = _parse(source)
    return sorted({n for n, _ in _bindings(tree)} & nnlib_exports()) if tree is not None else []


def _delegating(source, earlier):
    tree = _parse(source)
    if tree is None:
        return {}
    aliases = nnlib_aliases(list(earlier) + [source])
    found = {}
    for name, value in _bindings(tree):
        if name not in nnlib_exports():
            continue
        if isinstance(value, ast.ImportFrom):
            imported = next(a.name for a in value.names if (a.asname or a.name) == name)
            found[name] = f"it imports {name} from {value.module} (nnlib's {imported})"
        elif _refers_to(value, name, aliases):
            found[name] = f"its {name} calls or is nnlib's own {name}"
    return found


def delegated_names(answer, reference, earlier=()):
    """``{name: reason}``: names the answer cell takes from nnlib that the reference solution
    cell ``reference`` (None if unknown) implements itself. ``earlier`` are the notebook's code
    cells above the answer (for the imports that make the aliases)."""
    mine = _delegating(answer, earlier)
    if reference is not None:
        theirs = _delegating(reference, earlier)
        mine = {n: r for n, r in mine.items() if n not in theirs}
    return mine
