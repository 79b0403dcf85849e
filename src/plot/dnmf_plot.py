#!/usr/bin/python3
"""dnmf plot: pictures of dnmf's HDF5 files, as PNG and SVG, made with matplotlib.

Usage: dnmf plot FILE.h5... -o DIR

For each model (dnmf factorize) or transform output (dnmf transform):
  topics-NAME      each topic's top words as bars of their weight in H
  dominant-NAME    how many documents have each topic as their heaviest
  labels-NAME      topic x label heatmap of those documents (when they have labels)
For all models together:
  convergence      error against iteration and against seconds, a line per model
For each select-k table (dnmf select-k):
  select-k-NAME    the smallest and mean cluster silhouette, relative error, coherence
                   (c_npmi) and diversity against k, the recommended k marked
NAME is the file's name without .h5. Each picture is written under a temporary name and
renamed when complete. The sizes are fixed (docs/plot.md), at 100 pixels per inch.
W is read a block of rows at a time, so a model of any size fits in memory.
"""
import math
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend first)

DPI = 100
TOP_WORDS = 10
BLOCK_ROWS = 65536
FORMATS = ("png", "svg")


class PlotError(Exception):
    """A file dnmf plot cannot draw: the message names it and why."""


def strings(group):
    """A dnmf string table (docs/formats.md): UTF-8 bytes and offsets."""
    data, offsets = group["utf8"][:].tobytes(), group["offsets"][:]
    return [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


def format_of(f):
    value = f.attrs.get("format", b"")
    return value.decode() if isinstance(value, bytes) else str(value)


def name_of(path):
    base = os.path.basename(path)
    return base[:-3] if base.endswith(".h5") else base


# Figure sizes in inches, as docs/plot.md gives them.
def topics_size(k):
    columns = min(k, 5)
    return 3.2 * columns, 2.8 * math.ceil(k / columns)


CONVERGENCE_SIZE = (10, 4)
DOMINANT_SIZE = (8, 4)
LABELS_SIZE = (8, 6)
SELECT_K_SIZE = (10, 7)


def convergence_figure(models):
    """Error against iteration and against seconds, one line per (name, file) pair."""
    figure, (by_iteration, by_seconds) = plt.subplots(1, 2, figsize=CONVERGENCE_SIZE, dpi=DPI)
    for name, f in models:
        history = f["history"]
        error = history["relative_error"][:]
        by_iteration.plot(history["iteration"][:], error, label=name)
        by_seconds.plot(history["seconds"][:], error, label=name)
    for axes, label in ((by_iteration, "iteration"), (by_seconds, "seconds")):
        axes.set_xlabel(label)
        axes.set_ylabel("relative error")
        axes.grid(alpha=0.3)
    by_iteration.legend(fontsize=8)
    figure.suptitle("convergence")
    figure.tight_layout()
    return figure


def topics_figure(name, f):
    """Each topic's top words as horizontal bars of their weight in H, heaviest on top."""
    H = f["H"][:]
    vocabulary = strings(f["vocabulary"])
    k = H.shape[0]
    columns = min(k, 5)
    rows = math.ceil(k / columns)
    figure, axes = plt.subplots(rows, columns, figsize=topics_size(k), dpi=DPI, squeeze=False)
    for t in range(rows * columns):
        ax = axes[t // columns][t % columns]
        if t >= k:
            ax.axis("off")
            continue
        # The heaviest first; equal weights in column order (as dnmf topics lists them).
        order = sorted(range(H.shape[1]), key=lambda j: (-H[t, j], j))[:TOP_WORDS]
        ax.barh(range(len(order)), [H[t, j] for j in order], color="C%d" % (t % 10))
        ax.set_yticks(range(len(order)), [vocabulary[j] for j in order], fontsize=8)
        ax.invert_yaxis()
        ax.set_title("topic %d" % t, fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    figure.suptitle("%s: top words of each topic" % name)
    figure.tight_layout()
    return figure


def dominant_topics(f):
    """Each document's heaviest topic (the first of equal weights), k for a row of zeros."""
    W = f["W"]
    k = W.shape[1]
    dominant = np.empty(W.shape[0], dtype=np.int64)
    for first in range(0, W.shape[0], BLOCK_ROWS):
        block = W[first:first + BLOCK_ROWS]
        dominant[first:first + len(block)] = np.where(block.max(axis=1) > 0, block.argmax(axis=1), k)
    return dominant, k


def dominant_figure(name, f):
    dominant, k = dominant_topics(f)
    counts = np.bincount(dominant, minlength=k + 1)
    figure, ax = plt.subplots(figsize=DOMINANT_SIZE, dpi=DPI)
    names = ["%d" % t for t in range(k)] + (["none"] if counts[k] else [])
    ax.bar(range(len(names)), counts[:len(names)])
    ax.set_xticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("dominant topic")
    ax.set_ylabel("documents")
    ax.set_title("%s: documents by their heaviest topic" % name)
    figure.tight_layout()
    return figure


def labels_figure(name, f):
    dominant, k = dominant_topics(f)
    label_names = strings(f["label_names"])
    labels = f["labels"][:]
    table = np.zeros((k + 1, len(label_names)), dtype=np.int64)
    np.add.at(table, (dominant, labels), 1)
    if not table[k].any():
        table = table[:k]
    figure, ax = plt.subplots(figsize=LABELS_SIZE, dpi=DPI)
    image = ax.imshow(table, aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(label_names)), label_names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(table.shape[0]), ["topic %d" % t for t in range(k)] + (["none"] if table.shape[0] > k else []),
                  fontsize=8)
    for (t, label), count in np.ndenumerate(table):
        if table.size <= 400:
            ax.text(label, t, str(count), ha="center", va="center", fontsize=7,
                    color="white" if count < table.max() / 2 else "black")
    figure.colorbar(image, ax=ax, label="documents")
    ax.set_title("%s: dominant topic against label" % name)
    figure.tight_layout()
    return figure


def select_k_figure(name, f):
    ks = f["ks"][:]
    recommended = int(f.attrs["recommended_k"])
    threshold = float(f.attrs["threshold"])
    figure, axes = plt.subplots(2, 2, figsize=SELECT_K_SIZE, dpi=DPI)
    panels = [(axes[0][0], [("silhouette_min", "smallest cluster"), ("silhouette_mean", "mean")], "silhouette"),
              (axes[0][1], [("relative_error", "mean over runs")], "relative error"),
              (axes[1][0], [("c_npmi", "mean over topics")], "coherence (c_npmi)"),
              (axes[1][1], [("diversity", "top 25")], "topic diversity")]
    for ax, series, label in panels:
        for dataset, legend in series:
            values = f[dataset][:]
            if np.isfinite(values).any():
                ax.plot(ks, values, marker="o", label=legend)
            else:
                ax.text(0.5, 0.5, "not computed", transform=ax.transAxes, ha="center", va="center")
        ax.axvline(recommended, color="grey", linestyle="--", linewidth=1)
        ax.set_xlim(ks.min() - 0.5, ks.max() + 0.5)
        ax.set_xlabel("k")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if ax.lines[:-1]:
            ax.legend(fontsize=8)
    axes[0][0].axhline(threshold, color="red", linestyle=":", linewidth=1)
    figure.suptitle("%s: recommended k = %d" % (name, recommended))
    figure.tight_layout()
    return figure


def pictures_of(paths):
    """(picture name, figure maker) for every picture of the given files; each maker is
    called with the files open."""
    pictures, models = [], []
    for path in paths:
        name = name_of(path)
        with h5py.File(path, "r") as f:
            kind = format_of(f)
            if kind in ("dnmf-model", "dnmf-transform"):
                pictures.append(("topics-" + name, path, topics_figure))
                pictures.append(("dominant-" + name, path, dominant_figure))
                if "labels" in f and "label_names" in f:
                    pictures.append(("labels-" + name, path, labels_figure))
                if kind == "dnmf-model" and "history" in f:
                    models.append(path)
            elif kind == "dnmf-select-k":
                pictures.append(("select-k-" + name, path, select_k_figure))
            else:
                raise PlotError("%s: not a dnmf model, transform output or select-k table (its format is '%s')"
                                % (path, kind))
    return pictures, models


def save(figure, folder, name):
    written = []
    for extension in FORMATS:
        final = os.path.join(folder, "%s.%s" % (name, extension))
        temporary = "%s.partial-%d" % (final, os.getpid())
        try:
            figure.savefig(temporary, format=extension, dpi=DPI)
            os.replace(temporary, final)
        except OSError as error:
            raise PlotError("%s: cannot write the picture (%s)" % (final, error.strerror or error))
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        written.append(final)
    plt.close(figure)
    return written


def open_readable(path):
    if not os.path.exists(path):
        raise PlotError("%s: no such file" % path)
    if not h5py.is_hdf5(path):
        raise PlotError("%s: not an HDF5 file" % path)


def main(arguments):
    import argparse

    class Parser(argparse.ArgumentParser):
        """Usage errors as every dnmf command gives them: one line, status 2."""

        def error(self, message):
            print("dnmf: error: %s (see dnmf plot --help)" % message, file=sys.stderr)
            sys.exit(2)

    parser = Parser(prog="dnmf plot", description="Pictures of dnmf's HDF5 files (PNG and SVG).")
    parser.add_argument("files", nargs="+", metavar="FILE.h5", help="models, transform outputs, select-k tables")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write into (created)")
    options = parser.parse_args(arguments)
    try:
        for path in options.files:
            open_readable(path)
        pictures, models = pictures_of(options.files)
        try:
            os.makedirs(options.output, exist_ok=True)
        except OSError as error:
            raise PlotError("%s: cannot make the folder (%s)" % (options.output, error.strerror))
        written = []
        for picture, path, make in pictures:
            with h5py.File(path, "r") as f:
                try:
                    figure = make(name_of(path), f)
                except (KeyError, ValueError, IndexError) as error:
                    raise PlotError("%s: cannot draw %s: %s (a damaged file?)" % (path, picture, error))
                written += save(figure, options.output, picture)
        if models:
            files = [h5py.File(path, "r") for path in models]
            try:
                written += save(convergence_figure([(name_of(p), f) for p, f in zip(models, files)]), options.output,
                                "convergence")
            finally:
                for f in files:
                    f.close()
    except (PlotError, OSError, KeyError) as error:  # a file's problem or the machine's: status 1
        print("dnmf: error: %s" % error, file=sys.stderr)
        return 1
    for path in written:
        print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
