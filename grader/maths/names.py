"""Name tables: Greek letters, Unicode, functions, canonical symbol names."""
from __future__ import annotations

import re

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()

# LaTeX variants folded onto one name.
GREEK_ALIASES = {"varepsilon": "epsilon", "vartheta": "theta", "varpi": "pi", "varrho": "rho",
                 "varsigma": "sigma", "varphi": "phi"}

UNICODE_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}

# Built-in functions: name -> (canonical function, number of args or -1 for 1..n).
FUNCTIONS = {
    "exp": ("exp", 1), "log": ("log", 1), "ln": ("log", 1), "sqrt": ("sqrt", 1),
    "sin": ("sin", 1), "cos": ("cos", 1), "tan": ("tan", 1), "tanh": ("tanh", 1),
    "sinh": ("sinh", 1), "cosh": ("cosh", 1), "max": ("Max", -1), "min": ("Min", -1),
    "abs": ("Abs", 1),
}

_GREEK_SET = set(GREEK)
_SUB_RE = re.compile(r"^([A-Za-z]+)(?:_?([A-Za-z0-9]+))?('*)$")


def canon_name(raw: str) -> str:
    """Canonical spelling of a declared name: ``z_{0}``/``z0`` -> ``z_0``, ``\\beta``/``β`` -> ``beta``,
    ``W^{\\prime}`` -> ``W'``. Raises ValueError when the result is not a simple name."""
    s = raw.strip().strip("$").replace(" ", "")
    for ch, name in UNICODE_GREEK.items():
        s = s.replace(ch, name)
    s = s.replace("′", "'")
    s = re.sub(r"\^\{?\\prime\}?", "'", s)
    s = re.sub(r"\\(mathrm|text|mathbf|boldsymbol|operatorname)\{([^{}]*)\}", r"\2", s)
    s = s.replace("\\", "").replace("{", "").replace("}", "")
    m = _SUB_RE.match(s)
    if not m:
        raise ValueError(f"not a valid symbol name: {raw!r}")
    base, sub, primes = m.group(1), m.group(2), m.group(3)
    base = GREEK_ALIASES.get(base, base)
    if sub is None:
        return base + primes
    if "_" not in s and not sub.isdigit():
        # "pW" style words are not names with subscripts; keep the word whole.
        return base + sub + primes
    return f"{base}_{sub}{primes}"


def is_greek(word: str) -> bool:
    return word in _GREEK_SET
