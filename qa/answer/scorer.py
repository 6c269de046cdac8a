"""The learned, calibrated scorer: gradient-boosted trees over ``qa.answer.features``, read from a JSON file.

``make train`` (``qa train``) fits it on the labelled sets, chooses the abstention threshold on held-out
folds grouped by plan and fits an isotonic calibration of the chosen candidate's score on those folds too,
so ``confidence`` is the measured chance that an answer of that score is right. The file names its
version and the feature list it expects; a file for another list is refused with one line, never half used.
Inference walks the exported trees with numpy: scikit-learn is needed to train, not to answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.features import FEATURES

MODEL_VERSION = 1
DEFAULT_PATH = Path(__file__).with_name("scorer.json")


class ScorerError(ValueError):
    """The scorer file is missing, unreadable or made for other features (one line)."""


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray  # per node; leaves have children -1
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        """One tree at a time: the reference ``Forest.predict`` is tested against (tests/test_train.py)."""
        node = np.zeros(len(x), dtype=np.int64)
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                return self.value[node]
            f = self.feature[node[inner]]
            go_left = x[np.flatnonzero(inner), f] <= self.threshold[node[inner]]
            node[inner] = np.where(go_left, self.left[node[inner]], self.right[node[inner]])


@dataclass(frozen=True)
class Forest:
    """Every tree padded to one node count and walked together: one numpy step per depth level instead of
    one per tree and level (200 trees × ~8 levels of small array calls were half an answer's time)."""
    feature: np.ndarray  # (trees, nodes); leaves and padding have left == -1
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, trees: tuple[Tree, ...]) -> Forest:
        n = max((len(t.left) for t in trees), default=1)

        def pad(get: str, fill: float, dtype: type) -> np.ndarray:
            out = np.full((len(trees), n), fill, dtype=dtype)
            for i, t in enumerate(trees):
                out[i, : len(t.left)] = getattr(t, get)
            return out

        return cls(np.maximum(pad("feature", 0, np.int64), 0), pad("threshold", 0.0, np.float64),
                   pad("left", -1, np.int64), pad("right", -1, np.int64), pad("value", 0.0, np.float64))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Each tree's leaf value for each row: (rows, trees); the same comparisons as ``Tree.predict``."""
        t = np.arange(len(self.left))[None, :]
        r = np.arange(len(x))[:, None]
        node = np.zeros((len(x), len(self.left)), dtype=np.int64)
        while True:
            left = self.left[t, node]
            inner = left >= 0
            if not inner.any():
                return self.value[t, node]
            go_left = x[r, self.feature[t, node]] <= self.threshold[t, node]
            node = np.where(inner, np.where(go_left, left, self.right[t, node]), node)


@dataclass(frozen=True)
class Scorer:
    init: float
    rate: float
    trees: tuple[Tree, ...]
    threshold: float
    calib_x: np.ndarray
    calib_y: np.ndarray
    info: dict
    forest: Forest = field(init=False, repr=False, compare=False)  # the trees, packed: derived, never passed

    def __post_init__(self) -> None:
        object.__setattr__(self, "forest", Forest.of(self.trees))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(candidate is the answer) for each row of ``x`` (candidates × FEATURES)."""
        if x.size == 0:
            return np.zeros(0)
        raw = np.full(len(x), self.init)
        leaves = self.forest.predict(x)
        for j in range(leaves.shape[1]):  # tree by tree, as the sum was always made
            raw += self.rate * leaves[:, j]
        return 1.0 / (1.0 + np.exp(-raw))

    def confidence(self, p: float) -> float:
        """The calibrated chance that an answer whose best candidate scored ``p`` is right."""
        if len(self.calib_x) == 0:
            return float(p)
        return float(np.clip(np.interp(p, self.calib_x, self.calib_y), 0.0, 1.0))


def load_scorer(path: Path | str | None = None) -> Scorer:
    p = Path(path) if path else DEFAULT_PATH
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load(str(p), stamp)  # keyed by the file's mtime: a retrained file is read again


@lru_cache(maxsize=4)
def _load(path: str, _stamp: int) -> Scorer:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScorerError(f"{p}: no scorer file (run `make train`)") from None
    except (OSError, ValueError) as e:
        raise ScorerError(f"{p}: unreadable scorer file ({e})") from None
    if data.get("version") != MODEL_VERSION:
        raise ScorerError(f"{p}: scorer version {data.get('version')!r}, this planqa reads {MODEL_VERSION}: "
                          "run `make train`")
    if list(data.get("features") or []) != list(FEATURES):
        have, want = data.get("features") or [], list(FEATURES)
        diff = sorted(set(have) ^ set(want)) or ["(order)"]
        raise ScorerError(f"{p}: made for other features ({', '.join(diff[:5])}): run `make train`")
    try:
        trees = tuple(Tree(np.asarray(t["f"], dtype=np.int64), np.asarray(t["t"], dtype=np.float64),
                           np.asarray(t["l"], dtype=np.int64), np.asarray(t["r"], dtype=np.int64),
                           np.asarray(t["v"], dtype=np.float64)) for t in data["trees"])
        if any(int(t.feature.max(initial=0)) >= len(FEATURES) for t in trees):
            raise ValueError("a tree splits on a feature the list does not have")
        cal = data.get("calibration") or {"x": [], "y": []}
        return Scorer(float(data["init"]), float(data["learning_rate"]), trees, float(data["threshold"]),
                      np.asarray(cal["x"], dtype=np.float64), np.asarray(cal["y"], dtype=np.float64),
                      {k: data.get(k) for k in ("trained_on", "cv", "model")})
    except (KeyError, TypeError, ValueError) as e:
        raise ScorerError(f"{p}: malformed scorer file ({e})") from None
