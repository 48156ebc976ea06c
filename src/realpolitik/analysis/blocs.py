"""Blocs: groups of actors that cooperate inside and quarrel across, from the signed network.

Method: signed spectral clustering. The signed adjacency matrix ``A`` holds each edge's
``signed_weight`` (positive for cooperation, negative for conflict). With the absolute degree
matrix ``D = diag(sum_j |A_ij|)``, the signed normalised Laplacian
``L = I - D^-1/2 A D^-1/2`` (Kunegis et al., 2010) is positive semi-definite; its
eigenvectors with the smallest eigenvalues place friends close and foes apart (for a perfectly
balanced two-camp network the first one's sign splits the camps). For each k from 2 to
``settings.bloc_max_k`` the rows of the first k eigenvectors, scaled to unit length, are
grouped by k-means (k-means++ seeding, fixed seed, several restarts), and the k with the
highest signed modularity (Gómez, Jensen and Arenas, 2009) wins. If no split beats
modularity 0, every actor forms one bloc.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

logger = logging.getLogger(__name__)

KMEANS_RESTARTS = 10
KMEANS_ROUNDS = 100
SEED = 0


@dataclass
class Blocs:
    """The blocs found in a network.

    blocs: actor keys per bloc, largest bloc first
    modularity: signed modularity of the partition (0 for one bloc)
    """

    blocs: list[list[str]] = field(default_factory=list)
    modularity: float = 0.0
    method: str = (
        "signed spectral clustering (signed normalised Laplacian, k-means, signed modularity)"
    )

    def bloc_of(self, actor: str) -> int | None:
        """Return the index of ``actor``'s bloc, or None if it is not in the network."""
        for number, members in enumerate(self.blocs):
            if actor in members:
                return number
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the blocs, modularity and method as a plain dict."""
        return {"blocs": self.blocs, "modularity": self.modularity, "method": self.method}


def signed_matrix(
    graph: nx.Graph, *, weight: str = "signed_weight"
) -> tuple[list[str], np.ndarray]:
    """Return the sorted node list and the symmetric signed adjacency matrix of ``graph``."""
    nodes = sorted(n for n in graph.nodes if graph.degree(n) > 0)
    index = {n: i for i, n in enumerate(nodes)}
    matrix = np.zeros((len(nodes), len(nodes)))
    for a, b, data in graph.edges(data=True):
        if a == b:
            continue
        value = float(data.get(weight) or 0.0)
        matrix[index[a], index[b]] += value
        matrix[index[b], index[a]] += value
    if graph.is_directed():
        matrix /= 2
    return nodes, matrix


def signed_modularity(matrix: np.ndarray, labels: np.ndarray) -> float:
    """Return the signed modularity of a partition (Gómez, Jensen and Arenas, 2009)."""
    pos, neg = np.clip(matrix, 0, None), np.clip(-matrix, 0, None)
    w_pos, w_neg = pos.sum(), neg.sum()
    if w_pos + w_neg == 0:
        return 0.0
    same = labels[:, None] == labels[None, :]
    expected = np.zeros_like(matrix)
    if w_pos:
        k = pos.sum(axis=1)
        expected += np.outer(k, k) / w_pos
    if w_neg:
        k = neg.sum(axis=1)
        expected -= np.outer(k, k) / w_neg
    return float(((matrix - expected) * same).sum() / (w_pos + w_neg))


def _embedding(matrix: np.ndarray) -> np.ndarray:
    """Return the eigenvectors of the signed normalised Laplacian, smallest eigenvalue first."""
    degree = np.abs(matrix).sum(axis=1)
    scale = np.where(degree > 0, 1 / np.sqrt(np.where(degree > 0, degree, 1)), 0)
    laplacian = np.eye(len(matrix)) - scale[:, None] * matrix * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    return vectors


def kmeans(points: np.ndarray, k: int, *, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Cluster ``points`` into ``k`` groups; return labels and inertia (k-means++ seeding)."""
    centers = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        dist = np.min([((points - c) ** 2).sum(axis=1) for c in centers], axis=0)
        total = dist.sum()
        pick = rng.choice(len(points), p=dist / total) if total > 0 else rng.integers(len(points))
        centers.append(points[pick])
    center = np.array(centers)
    labels = np.zeros(len(points), dtype=int)
    for _ in range(KMEANS_ROUNDS):
        dist = ((points[:, None, :] - center[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if _ and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if np.any(labels == j):
                center[j] = points[labels == j].mean(axis=0)
    inertia = float(((points - center[labels]) ** 2).sum())
    return labels, inertia


def _best_labels(vectors: np.ndarray, k: int) -> np.ndarray:
    points = vectors[:, :k]
    norms = np.linalg.norm(points, axis=1, keepdims=True)
    points = points / np.where(norms > 0, norms, 1)
    rng = np.random.default_rng(SEED)
    runs = [kmeans(points, k, rng=rng) for _ in range(KMEANS_RESTARTS)]
    return min(runs, key=lambda run: run[1])[0]


def find_blocs(graph: nx.Graph, *, max_k: int = 6, weight: str = "signed_weight") -> Blocs:
    """Split the actors of a signed network into blocs (see the module docstring).

    weight: the edge attribute holding the signed tie strength
    """
    nodes, matrix = signed_matrix(graph, weight=weight)
    if len(nodes) < 2:
        return Blocs(blocs=[nodes] if nodes else [])
    vectors = _embedding(matrix)
    best, best_q = np.zeros(len(nodes), dtype=int), 0.0
    for k in range(2, min(max_k, len(nodes)) + 1):
        labels = _best_labels(vectors, k)
        quality = signed_modularity(matrix, labels)
        if quality > best_q + 1e-9:
            best, best_q = labels, quality
    groups: dict[int, list[str]] = {}
    for node, label in zip(nodes, best, strict=True):
        groups.setdefault(int(label), []).append(node)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g))
    return Blocs(blocs=ordered, modularity=round(best_q, 4))
