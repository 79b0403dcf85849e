#!/usr/bin/env python3
"""Acceptance of dnmf plot (issue 14, item 5): the main job (jobs/notebook.sh) makes every
picture, and each is what it should be.

Usage: check_pictures.py WORKDIR

Runs jobs/notebook.sh with the built dnmf (DNMF_BINARY) into WORKDIR, then for each
picture of the model and the select-k table, PNG and SVG:
- it exists; the PNG's signature and IHDR give the size docs/plot.md states at 100 pixels
  per inch, the SVG is XML whose width and height are that size in points (72 per inch);
- it is not blank: more than 1% of the PNG's pixels differ from its corner's colour, and
  the SVG draws more than 20 paths;
- its series are the file's, checked on the figure the module builds (dnmf_plot): the
  convergence lines are the model's /history; each topic's bars are its 10 largest
  weights in /H, heaviest first, labelled with their terms; the dominant-topic bars and
  the topic x label heatmap are the counts computed here from /W and /labels; the
  select-k lines are the table's datasets.
"""
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import h5py
import numpy as np

from harness import data_dir

DPI = 100


def expected_sizes(k):
    """Inches of each picture, as docs/plot.md gives them."""
    columns = min(k, 5)
    return {"convergence": (10, 4), "topics-model": (3.2 * columns, 2.8 * -(-k // columns)),
            "dominant-model": (8, 4), "labels-model": (8, 6), "select-k-select_k": (10, 7)}


def png_problems(path, inches):
    from matplotlib.image import imread
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return ["%s is not a PNG" % path]
    width, height = struct.unpack(">II", head[16:24])
    problems = []
    if (width, height) != (round(inches[0] * DPI), round(inches[1] * DPI)):
        problems.append("%s is %d x %d pixels, expected %d x %d" % (path, width, height, round(inches[0] * DPI),
                                                                    round(inches[1] * DPI)))
    pixels = imread(path)
    drawn = np.any(np.abs(pixels - pixels[0, 0]) > 0.02, axis=-1).mean()
    if drawn <= 0.01:
        problems.append("%s is blank (%.2f%% of its pixels drawn)" % (path, 100 * drawn))
    return problems


def svg_problems(path, inches):
    root = ElementTree.parse(path).getroot()
    if not root.tag.endswith("svg"):
        return ["%s is not an SVG" % path]
    problems = []
    size = tuple(float(root.get(name).rstrip("pt")) for name in ("width", "height"))
    if not np.allclose(size, (inches[0] * 72, inches[1] * 72)):
        problems.append("%s is %s points, expected %s" % (path, size, (inches[0] * 72, inches[1] * 72)))
    paths = sum(1 for element in root.iter() if element.tag.endswith("path"))
    if paths <= 20:
        problems.append("%s draws only %d paths" % (path, paths))
    return problems


def dominant(W):
    return np.where(W.max(axis=1) > 0, W.argmax(axis=1), W.shape[1])


def series_problems(dnmf_plot, model, table):
    problems = []
    with h5py.File(model, "r") as f:
        history = f["history"]
        figure = dnmf_plot.convergence_figure([("model", f)])
        for axes, x in zip(figure.axes, ("iteration", "seconds")):
            line = axes.lines[0]
            if not (np.array_equal(line.get_xdata(), history[x][:]) and
                    np.array_equal(line.get_ydata(), history["relative_error"][:])):
                problems.append("the convergence line against %s is not the model's history" % x)
        H, W = f["H"][:], f["W"][:]
        vocabulary = dnmf_plot.strings(f["vocabulary"])
        figure = dnmf_plot.topics_figure("model", f)
        for t in range(H.shape[0]):
            top = np.argsort(-H[t], kind="stable")[:10]
            axes = figure.axes[t]
            heights = [bar.get_width() for bar in axes.patches]
            words = [label.get_text() for label in axes.get_yticklabels()]
            if heights != list(H[t, top]) or words != [vocabulary[j] for j in top]:
                problems.append("topic %d's bars are not its top weights in /H" % t)
        k = H.shape[0]
        counts = np.bincount(dominant(W), minlength=k + 1)
        figure = dnmf_plot.dominant_figure("model", f)
        heights = [bar.get_height() for bar in figure.axes[0].patches]
        if heights != list(counts[:len(heights)]) or counts[len(heights):].any():
            problems.append("the dominant-topic bars are not the counts of /W's argmax")
        labels = f["labels"][:]
        table_counts = np.zeros((k + 1, len(f["label_names/offsets"]) - 1), dtype=np.int64)
        for topic, label in zip(dominant(W), labels):
            table_counts[topic, label] += 1
        figure = dnmf_plot.labels_figure("model", f)
        shown = figure.axes[0].images[0].get_array()
        if not np.array_equal(shown, table_counts if table_counts[k].any() else table_counts[:k]):
            problems.append("the heatmap is not the topic x label counts")
    with h5py.File(table, "r") as f:
        figure = dnmf_plot.select_k_figure("select_k", f)
        for axes, names in zip(figure.axes, (["silhouette_min", "silhouette_mean"], ["relative_error"], ["c_npmi"],
                                             ["diversity"])):
            for line, name in zip(axes.lines, names):
                if not (np.array_equal(line.get_xdata(), f["ks"][:]) and
                        np.array_equal(line.get_ydata(), f[name][:])):
                    problems.append("the select-k line of %s is not the table's" % name)
    return problems


def main(work):
    data_dir("20news-bydate")  # the main job must run on the real corpus here
    environment = dict(os.environ, DNMF_OUTPUT=work, DNMF_RANKS=os.environ.get("DNMF_RANKS", "2"))
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    job = subprocess.run(["bash", os.path.join(root, "jobs", "notebook.sh")], env=environment, capture_output=True,
                         text=True, timeout=600)
    if job.returncode != 0:
        print(job.stdout + job.stderr)
        print("the main job failed (exit %d)" % job.returncode)
        return 1
    print(job.stdout[job.stdout.index("== pictures"):].rstrip())
    pictures = os.path.join(work, "pictures")
    model, table = os.path.join(work, "model.h5"), os.path.join(work, "select_k.h5")
    with h5py.File(model, "r") as f:
        k = f["H"].shape[0]
    problems = []
    for name, inches in expected_sizes(k).items():
        for extension, check in (("png", png_problems), ("svg", svg_problems)):
            path = os.path.join(pictures, "%s.%s" % (name, extension))
            problems += check(path, inches) if os.path.exists(path) else ["%s is missing" % path]
    extra = set(os.listdir(pictures)) - {"%s.%s" % (name, e) for name in expected_sizes(k) for e in ("png", "svg")}
    if extra:
        problems.append("unexpected files: %s" % sorted(extra))
    sys.path.insert(0, os.path.dirname(os.environ["DNMF_BINARY"]))
    import dnmf_plot
    problems += series_problems(dnmf_plot, model, table)
    for problem in problems:
        print("FAIL: " + problem)
    print("%d problems" % len(problems) if problems else
          "all %d pictures are there, of their size, drawn, and show the files' series" % (2 * len(expected_sizes(k))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
