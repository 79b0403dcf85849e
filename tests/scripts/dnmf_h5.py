"""Loading dnmf HDF5 files with h5py and scipy, as docs/formats.md describes."""
import h5py
import numpy as np
import scipy.sparse as sp


def read_strings(group):
    data = group["utf8"][:].tobytes()
    offsets = group["offsets"][:]
    return [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


def read_tfidf(path):
    """Returns (matrix as scipy CSR, vocabulary, document ids, labels or None, file attributes)."""
    with h5py.File(path, "r") as f:
        g = f["tfidf"]
        shape = tuple(int(x) for x in g.attrs["shape"])
        matrix = sp.csr_matrix((g["data"][:], g["indices"][:], g["indptr"][:]), shape=shape)
        vocabulary = read_strings(f["vocabulary"])
        documents = read_strings(f["documents"])
        labels = None
        if "labels" in f:
            names = read_strings(f["label_names"])
            labels = [names[i] for i in f["labels"][:]]
        attributes = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        return matrix, vocabulary, documents, labels, attributes, f["idf"][:]


def identical_datasets(path_a, path_b):
    """Names of datasets whose contents differ between two files (empty when identical)."""
    differing = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        names_a, names_b = [], []
        a.visit(lambda n: names_a.append(n) if isinstance(a[n], h5py.Dataset) else None)
        b.visit(lambda n: names_b.append(n) if isinstance(b[n], h5py.Dataset) else None)
        if sorted(names_a) != sorted(names_b):
            return ["dataset lists differ: %s vs %s" % (sorted(names_a), sorted(names_b))]
        for name in names_a:
            x, y = a[name][()], b[name][()]
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                differing.append(name)
    return differing
