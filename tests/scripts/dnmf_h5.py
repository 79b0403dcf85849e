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


def edited_copy(original, path, edit):
    """A copy of the dnmf file `original` at `path`, changed by edit(h5py file): a damaged
    or inconsistent file for the error tests. Returns `path`."""
    import shutil
    shutil.copyfile(original, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def write_strings(group, strings):
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    group["utf8"] = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else np.zeros(0, np.uint8)
    group["offsets"] = offsets


def write_tfidf(path, matrix, vocabulary=None, documents=None):
    """Writes a scipy CSR matrix in dnmf's TF-IDF layout (docs/formats.md), for tests that
    need a matrix dnmf vectorize would not make (planted values, negative entries...)."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    rows, columns = matrix.shape
    with h5py.File(path, "w") as f:
        f.attrs["format"] = np.bytes_(b"dnmf-tfidf")
        f.attrs["format_version"] = np.int64(1)
        g = f.create_group("tfidf")
        g.attrs["shape"] = np.array([rows, columns], dtype=np.int64)
        g.attrs["encoding-type"] = np.bytes_(b"csr_matrix")
        g["data"] = matrix.data.astype(np.float64)
        g["indices"] = matrix.indices.astype(np.int32)
        g["indptr"] = matrix.indptr.astype(np.int64)
        write_strings(f.create_group("vocabulary"), vocabulary or ["t%d" % j for j in range(columns)])
        write_strings(f.create_group("documents"), documents or ["d%d" % i for i in range(rows)])
        f["idf"] = np.ones(columns)
        f["document_frequency"] = np.asarray((matrix != 0).sum(axis=0)).ravel().astype(np.int64)


def read_model(path):
    """(W, H, history dict, attributes) of a dnmf model file."""
    with h5py.File(path, "r") as f:
        history = {name: f["history"][name][:] for name in f["history"]}
        attributes = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        return f["W"][:], f["H"][:], history, attributes


def write_start(path, W, H):
    """An --init-file: datasets /W (rows x k) and /H (k x columns)."""
    with h5py.File(path, "w") as f:
        f["W"], f["H"] = W, H
