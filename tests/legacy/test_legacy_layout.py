"""The project's layout rules for the legacy runtime package."""

import ast
import pathlib

import compat_attention.legacy as legacy_package

PACKAGE_DIR = pathlib.Path(legacy_package.__file__).parent


def _modules():
    return sorted(p for p in PACKAGE_DIR.glob("*.py") if p.name != "__init__.py")


def test_no_flavour_branches_outside_keras_package():
    """Only compat_attention/_keras/ knows which Keras runs."""
    names = [p.name for p in _modules()]
    assert {"backend.py", "text.py", "sequence.py", "utils.py", "models.py", "optimizers.py"} <= set(names)
    for path in _modules():
        tree = ast.parse(path.read_text())
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
        assert not used & {"KERAS_3", "FLAVOUR", "BACKEND", "KERAS_VERSION", "TF_VERSION"}, path.name


def test_modules_never_import_the_package_init():
    for path in _modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "compat_attention.legacy" and node.level == 0, (path.name, node.module)
            if isinstance(node, ast.Import):
                assert all(alias.name != "compat_attention.legacy" for alias in node.names), path.name


def test_init_only_reexports():
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text())
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}
    exported = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert set(legacy_package.__all__) == exported


def test_every_public_function_and_method_has_a_docstring():
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), path.name
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                if not ast.get_docstring(node):
                    missing.append("%s:%s" % (path.name, node.name))
    assert missing == []


def test_backend_functions_are_the_list_migrate_knows():
    """``migrate`` knows legacy.backend's functions from its spec, without importing Keras: one list, held equal here."""
    import compat_attention.legacy.backend as legacy
    from compat_attention.migrate import spec

    assert spec.LEGACY_BACKEND_FUNCTIONS == frozenset(legacy.__all__)
    assert len(legacy.__all__) == len(set(legacy.__all__)) and all(callable(getattr(legacy, n)) for n in legacy.__all__)
