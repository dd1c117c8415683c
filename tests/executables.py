"""Which executables a Python file starts: subprocess and os calls, ``shutil.which``,
absolute paths of executables and Playwright's browser, with names followed to the literal
they hold (a constant, a local, an imported name, or what callers pass to a wrapper)."""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from tests.system_needs import REPO

PYTHON = "<the running interpreter>"

RUNNERS = {("subprocess", name) for name in ("run", "Popen", "call", "check_call",
                                             "check_output", "getoutput",
                                             "getstatusoutput")}
RUNNERS |= {("os", name) for name in ("system", "popen", "execv", "execve", "execvp",
                                      "execvpe", "execl", "execle", "execlp", "execlpe")}
RUNNERS |= {("asyncio", "create_subprocess_exec"), ("asyncio", "create_subprocess_shell")}
EXECUTABLE_PATH = re.compile(r"^/(usr/(local/)?)?s?bin/[\w.+-]+$")


@dataclass
class Finding:
    where: str
    executable: str | None  # None: the scanner cannot tell which executable runs


class Scanner(ast.NodeVisitor):
    def __init__(self, path: Path, label: str | None = None):
        self.path = path
        self.label = label or str(path.relative_to(REPO))
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.aliases: dict[str, tuple[str, str | None]] = {}  # local name -> (module, attr)
        self.findings: list[Finding] = []
        # Top-level modules this file needs (imported, or run with ``python -m``) -> where;
        # imports guarded by ``except ImportError`` are optional and left out.
        self.imports: dict[str, str] = {}
        self.functions: list[ast.AST] = []
        optional = {id(n) for t in ast.walk(self.tree) if isinstance(t, ast.Try)
                    and any(h.type is not None and re.search(
                        r"\b(ImportError|ModuleNotFoundError)\b", ast.unparse(h.type))
                        for h in t.handlers)
                    for statement in t.body for n in ast.walk(statement)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0], None)
                    if id(node) not in optional:
                        self.needs(a.name, node)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if id(node) not in optional:
                    self.needs(node.module, node)
                for a in node.names:
                    self.aliases[a.asname or a.name] = (node.module, a.name)

    def needs(self, module: str, node: ast.AST) -> None:
        top = module.split(".")[0]
        # A script's own folder is on sys.path: ``import common`` in bench/ is bench/common.py.
        if (self.path.parent / f"{top}.py").exists() or (self.path.parent / top).is_dir():
            return
        self.imports.setdefault(top, f"{self.label}:{node.lineno}")

    def scan(self) -> Scanner:
        self.visit(self.tree)
        return self

    def add(self, node: ast.AST, names: set[str] | None) -> None:
        where = f"{self.label}:{node.lineno}"
        if not names:
            self.findings.append(Finding(where, None))
        for name in names or ():
            self.findings.append(Finding(where, name))

    def visit_FunctionDef(self, node):
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Constant(self, node):
        if isinstance(node.value, str) and EXECUTABLE_PATH.match(node.value):
            self.add(node, {node.value})

    def visit_Call(self, node):
        target = self.qualified(node.func)
        if target in RUNNERS:
            command = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("args", "path", "file", "cmd")),
                None)
            self.add(node, self.command(command) if command is not None else None)
        elif target == ("shutil", "which"):
            self.add(node, self.executables(node.args[0]) if node.args else None)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in (
                "launch", "launch_persistent_context") and isinstance(
                node.func.value, ast.Attribute) and node.func.value.attr in (
                "chromium", "firefox", "webkit"):
            self.browser(node, node.func.value.attr)
        self.generic_visit(node)

    def browser(self, node: ast.Call, engine: str) -> None:
        path = next((k.value for k in node.keywords if k.arg == "executable_path"), None)
        if engine != "chromium" or path is None:
            # Playwright's own browser builds are downloaded by `playwright install`, which
            # no target runs: only Debian's Chromium is provisioned.
            self.add(node, {f"playwright's bundled {engine}"})
        else:
            self.add(node, self.executables(path))

    def qualified(self, func: ast.AST) -> tuple[str, str] | None:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module, attr = self.aliases.get(func.value.id, (func.value.id, None))
            return (module, func.attr) if attr is None else None
        if isinstance(func, ast.Name) and func.id in self.aliases:
            module, attr = self.aliases[func.id]
            return (module, attr) if attr else None
        return None

    def command(self, node: ast.AST) -> set[str] | None:
        """The executable a command (a list, a shell string or a name bound to one) starts."""
        if isinstance(node, (ast.List, ast.Tuple)):
            if len(node.elts) > 2 and self.executables(node.elts[0]) == {PYTHON} \
                    and isinstance(node.elts[1], ast.Constant) and node.elts[1].value == "-m" \
                    and isinstance(node.elts[2], ast.Constant):
                self.needs(str(node.elts[2].value), node)
            return self.executables(node.elts[0]) if node.elts else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = shlex.split(node.value)
            return {words[0]} if words else None
        if isinstance(node, ast.Name):
            value = self.assigned(node.id)
            return self.command(value) if value is not None else None
        return self.executables(node)

    def executables(self, node: ast.AST, depth: int = 0) -> set[str] | None:
        """Executables an expression can name, or None when that cannot be read."""
        if depth > 5:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Attribute) and self.qualified(node) == ("sys", "executable"):
            return {PYTHON}
        if isinstance(node, ast.BoolOp):
            parts = [self.executables(v, depth + 1) for v in node.values]
            return None if any(p is None for p in parts) else set().union(*parts)
        if isinstance(node, ast.Name):
            value = self.assigned(node.id)
            if value is None:
                return self.passed_in(node.id, None, depth)
            return self.executables(value, depth + 1)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            return self.passed_in(node.value.id, node.slice.value, depth)
        if isinstance(node, ast.Call):
            target = self.qualified(node.func)
            if target == ("shutil", "which") and node.args:
                return self.executables(node.args[0], depth + 1)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "with_name" \
                    and node.args and "sys" in ast.unparse(node.func.value):
                return self.executables(node.args[0], depth + 1)  # a script beside python
            if isinstance(node.func, ast.Name) and node.func.id in ("str", "Path") \
                    and len(node.args) == 1:
                return self.executables(node.args[0], depth + 1)
        return None

    def passed_in(self, name: str, item: int | None, depth: int) -> set[str] | None:
        """What the callers of the enclosing function pass as its parameter ``name`` (or
        item ``item`` of its ``*name``): a wrapper such as ``gdal("ogr2ogr", ...)``."""
        if not self.functions:
            return None
        function = self.functions[-1]
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        if name in params and item is None:
            index = params.index(name)
        elif function.args.vararg is not None and function.args.vararg.arg == name \
                and item is not None:
            index = len(params) + item
        else:
            return None
        calls = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", getattr(n.func, "attr", None)) == function.name]
        found: set[str] = set()
        for call in calls:
            passed = call.args[index] if index < len(call.args) else next(
                (k.value for k in call.keywords if item is None and k.arg == name), None)
            names = self.executables(passed, depth + 1) if passed is not None else None
            if names is None:
                return None
            found |= names
        return found or None

    def assigned(self, name: str) -> ast.AST | None:
        """The value last bound to ``name`` in the enclosing function or the module, or in
        the project module it was imported from."""
        for scope in [*reversed(self.functions), self.tree]:
            values = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
            if values:
                return values[-1]
        module, attr = self.aliases.get(name, (None, None))
        if module and attr:
            source = REPO / (module.replace(".", "/") + ".py")
            if source.exists():
                return Scanner(source).assigned(attr)
        return None
