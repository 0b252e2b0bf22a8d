"""Safe expressions: a small grammar over Python's ``ast``, compiled to NumPy closures.

A user's string is parsed with :func:`ast.parse` and walked once; every node must be on a
whitelist (numbers, names the model defines, ``+ - * / **``, unary ``-``/``+``,
comparisons, ``and``/``or``/``not``, ``x if c else y`` and calls of :data:`FUNCTIONS` or
:data:`RANDOM`), and becomes a closure ``env -> value`` over NumPy arrays. Nothing is ever
passed to ``eval``: attribute access, subscripts, lambdas, keywords and unknown names are
rejected when the model is built, with a :class:`snn.ConfigError` naming the expression.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core import ConfigError

Env = dict[str, Any]
Fn = Callable[[Env], Any]


def exprel(x: Any) -> Any:
    """``(exp(x) - 1) / x``, equal to 1 at ``x = 0`` (so that Hodgkin-Huxley's
    ``x / (1 - exp(-x))`` rates, ``1 / exprel(-x)``, have no 0/0). ``expm1`` keeps it
    accurate near 0."""
    if np.ndim(x) == 0:
        return np.expm1(x) / x if x != 0 else np.ones_like(x)[()]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0, 1, np.expm1(x) / x)


#: Functions an expression may call, elementwise. ``min``/``max`` take two or more
#: arguments.
FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    **{name: (getattr(np, name), 1) for name in (
        "exp", "expm1", "log", "log10", "log1p", "sqrt", "sin", "cos", "tan", "sinh", "cosh",
        "tanh", "arctan", "sign", "floor", "ceil")},
    "abs": (np.abs, 1),
    "exprel": (exprel, 1),
    "min": (lambda *a: functools.reduce(np.minimum, a), -2),  # -2: two or more arguments
    "max": (lambda *a: functools.reduce(np.maximum, a), -2),
}

#: Random draws, taken once per time step (per call in the text and per trajectory) and
#: held through that step's Runge-Kutta stages: ``randn()`` ~ N(0, 1), ``rand()`` ~ U[0, 1).
#: The value is each draw's mean (0, 0.5) wherever the deterministic field is wanted
#: (vector fields, nullclines, fixed points, Jacobians).
RANDOM = {"randn": 0.0, "rand": 0.5}

_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.Pow: operator.pow}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
            ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal}


class Expression:
    """A compiled expression: ``fn(env)`` evaluates it on arrays in ``env``.

    Attributes
    ----------
    source : str
        The text as given.
    what : str
        What it defines (``"dv/dt"``, ``"parameter I"``), for error messages.
    names : frozenset of str
        The names it reads.
    """

    def __init__(self, source: str, what: str, fn: Fn, names: frozenset[str]) -> None:
        self.source, self.what, self.fn, self.names = source, what, fn, names

    def error(self, reason: str) -> ConfigError:
        return ConfigError(f"snn.single: {self.what} = {self.source!r}: {reason}")


class _Compiler:
    def __init__(self, source: str, what: str, names: frozenset[str], dtype: type,
                 sites: list[str]) -> None:
        self.source, self.what, self.names = source, what, names
        self.dtype, self.sites, self.used = dtype, sites, set()

    def fail(self, reason: str) -> ConfigError:
        return ConfigError(f"snn.single: {self.what} = {self.source!r}: {reason}")

    def number(self, node: ast.AST) -> Fn:
        fn, is_bool = self.node(node)
        if not is_bool:
            return fn
        dtype = self.dtype
        return lambda env: np.asarray(fn(env)).astype(dtype)

    def truth(self, node: ast.AST) -> Fn:
        fn, is_bool = self.node(node)
        return fn if is_bool else (lambda env: np.not_equal(fn(env), 0))

    def node(self, node: ast.AST) -> tuple[Fn, bool]:
        """The closure of ``node`` and whether it is boolean."""
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.fail(f"{_describe(node)} is not allowed in an expression")
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> tuple[Fn, bool]:
        value = node.value
        if isinstance(value, bool):
            c = np.bool_(value)
        elif isinstance(value, (int, float)):
            c = self.dtype(value)
        else:
            raise self.fail(f"the constant {value!r} is not a number")
        return (lambda env: c), isinstance(value, bool)

    def visit_Name(self, node: ast.Name) -> tuple[Fn, bool]:
        if node.id in FUNCTIONS or node.id in RANDOM:
            raise self.fail(f"{node.id!r} is a function: call it, {node.id}(...)")
        if node.id not in self.names:
            known = ", ".join(sorted(n for n in self.names if not n.startswith("_")))
            raise self.fail(f"unknown name {node.id!r} (known: {known})")
        self.used.add(node.id)
        return operator.itemgetter(node.id), False

    def visit_BinOp(self, node: ast.BinOp) -> tuple[Fn, bool]:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail(f"the operator {_describe(node.op)} is not allowed (+ - * / ** are)")
        left, right = self.number(node.left), self.number(node.right)
        return _binary(op, self.leaf(node.left, left), self.leaf(node.right, right)), False

    def leaf(self, node: ast.AST, fn: Fn) -> tuple[str, Any]:
        """``("c", value)`` for a number, ``("n", name)`` for a name, else ``("f", fn)``."""
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
            return "c", fn({})
        if isinstance(node, ast.Name):
            return "n", node.id
        return "f", fn

    def visit_UnaryOp(self, node: ast.UnaryOp) -> tuple[Fn, bool]:
        if isinstance(node.op, ast.Not):
            arg = self.truth(node.operand)
            return (lambda env: np.logical_not(arg(env))), True
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            arg = self.number(node.operand)
            op = operator.neg if isinstance(node.op, ast.USub) else operator.pos
            return (lambda env: op(arg(env))), False
        raise self.fail(f"the operator {_describe(node.op)} is not allowed")

    def visit_BoolOp(self, node: ast.BoolOp) -> tuple[Fn, bool]:
        args = [self.truth(v) for v in node.values]
        op = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return (lambda env: functools.reduce(op, [a(env) for a in args])), True

    def visit_Compare(self, node: ast.Compare) -> tuple[Fn, bool]:
        operands = [self.number(x) for x in (node.left, *node.comparators)]
        ops = []
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.fail(f"the comparison {_describe(op)} is not allowed (< <= > >= == != are)")
            ops.append(_COMPARE[type(op)])

        def compare(env: Env) -> Any:
            values = [x(env) for x in operands]
            tests = [op(a, b) for op, a, b in zip(ops, values, values[1:])]
            return functools.reduce(np.logical_and, tests)
        return compare, True

    def visit_IfExp(self, node: ast.IfExp) -> tuple[Fn, bool]:
        test = self.truth(node.test)
        body, orelse = self.number(node.body), self.number(node.orelse)

        def choose(env: Env) -> Any:
            c = test(env)
            if isinstance(c, (bool, np.bool_)):  # one trajectory: one branch
                return body(env) if c else orelse(env)
            return np.where(c, body(env), orelse(env))
        return choose, False

    def visit_Call(self, node: ast.Call) -> tuple[Fn, bool]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS and name not in RANDOM:
            allowed = ", ".join(sorted([*FUNCTIONS, *RANDOM]))
            shown = repr(name) if name else ast.unparse(node.func)
            raise self.fail(f"{shown} is not an allowed function (allowed: {allowed})")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"{name}() takes positional arguments only")
        if name in RANDOM:
            return self.random(name, node)
        fn, arity = FUNCTIONS[name]
        if (arity > 0 and len(node.args) != arity) or (arity < 0 and len(node.args) < -arity):
            want = f"{arity} argument" if arity > 0 else f"{-arity} or more arguments"
            raise self.fail(f"{name}() takes {want}, got {len(node.args)}")
        args = [self.number(a) for a in node.args]
        if len(args) == 1:
            arg = args[0]
            return (lambda env: fn(arg(env))), False
        return (lambda env: fn(*[a(env) for a in args])), False

    def random(self, name: str, node: ast.Call) -> tuple[Fn, bool]:
        if node.args:
            raise self.fail(f"{name}() takes no arguments")
        site = len(self.sites)
        self.sites.append(name)
        return (lambda env: env["_draws"][site]), False


def _binary(op: Callable[[Any, Any], Any], a: tuple[str, Any], b: tuple[str, Any]) -> Fn:
    """``op`` of two operands (see ``_Compiler.leaf``), with numbers and names read
    directly rather than through a closure: about a third less time per operation."""
    (ka, x), (kb, y) = a, b
    if ka == "c" and kb == "c":
        with np.errstate(all="ignore"):
            c = op(x, y)
        return lambda env: c
    if kb == "c":
        return (lambda env: op(env[x], y)) if ka == "n" else (lambda env: op(x(env), y))
    if ka == "c":
        return (lambda env: op(x, env[y])) if kb == "n" else (lambda env: op(x, y(env)))
    fx = operator.itemgetter(x) if ka == "n" else x
    fy = operator.itemgetter(y) if kb == "n" else y
    return lambda env: op(fx(env), fy(env))


def _describe(node: ast.AST) -> str:
    kinds = {ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
             ast.Starred: "unpacking", ast.NamedExpr: "assignment (:=)"}
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    text = ast.unparse(node)  # empty for an operator
    return f"{type(node).__name__} ({text!r})" if text else type(node).__name__


def parse(source: str, what: str) -> ast.expr:
    """The syntax tree of ``source`` (one expression); :class:`snn.ConfigError` if it is
    not valid Python."""
    try:
        return ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ConfigError(f"snn.single: {what} = {source!r}: syntax error: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"snn.single: {what}: the expression is nested too deeply") from None


def compile_tree(tree: ast.expr, source: str, what: str, names: frozenset[str],
                 dtype: type = np.float64, sites: list[str] | None = None,
                 boolean: bool = False) -> Expression:
    """Compiles a parsed (and possibly rewritten) expression.

    Parameters
    ----------
    tree, source, what
        The syntax tree, the text it came from and what it defines (for messages).
    names : frozenset of str
        The names it may read.
    dtype : type
        The floating type of its constants (``np.float32`` for the engine's arithmetic).
    sites : list of str, optional
        The random draws of the whole model so far; those of this expression are appended.
    boolean : bool
        Compile as a condition (a nonzero number counts as true).
    """
    c = _Compiler(source, what, names, dtype, [] if sites is None else sites)
    try:
        fn = c.truth(tree) if boolean else c.number(tree)
    except RecursionError:
        raise c.fail("the expression is nested too deeply") from None
    return Expression(source, what, fn, frozenset(c.used))


def compile_expression(source: str | float, what: str, names: frozenset[str],
                       dtype: type = np.float64, sites: list[str] | None = None,
                       boolean: bool = False) -> Expression:
    """Parses and compiles ``source`` (see :func:`compile_tree`); a number is a constant."""
    text = source if isinstance(source, str) else repr(float(source))
    return compile_tree(parse(text, what), text, what, names, dtype, sites, boolean)
