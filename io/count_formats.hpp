#pragma once
// Bag-of-words count files, which skip tokenizing:
//   UCI  (--format uci): docword.txt[.gz]: three header lines D (documents), W (words),
//        NNZ, then "docID wordID count" lines, 1-based; vocab.txt: W words, one per line.
//   MTX  (--format mtx): Matrix Market "coordinate" with field integer, real or pattern
//        and symmetry general; rows are documents, columns terms; vocabulary optional.
// Entries may come in any order; duplicates add up. Each rank parses a byte range of
// the file (or, for compressed input, every ranks-th line of the stream), then entries travel
// to the rank that owns their row (rows split evenly).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dnmf::io {

enum class CountFormat { uci, mtx };

struct CountEntry {
  int64_t row;     // 0-based
  int64_t column;  // 0-based
  double count;
};

struct CountMatrix {
  int64_t rows = 0;
  int64_t columns = 0;
  int64_t declared_entries = 0;
  int64_t first_row = 0;  // this rank's rows: [first_row, first_row + local_rows)
  int64_t local_rows = 0;
  std::vector<CountEntry> entries;  // this rank's rows, sorted by (row, column), merged
};

// Collective. Throws UserError naming the file and line for malformed input.
CountMatrix read_count_matrix(MPI_Comm comm, const std::string& path, CountFormat format);

// One term per line; throws unless there are exactly `expected` lines.
std::vector<std::string> read_vocabulary_file(const std::string& path, int64_t expected);

}  // namespace dnmf::io
