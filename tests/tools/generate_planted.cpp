// dnmf_generate: a synthetic TF-IDF file with planted topics, written in parallel.
//
//   mpirun -n P dnmf_generate OUT.h5 --rows M --columns N --nnz Z --topics T [--seed S]
//                             [--truth TRUTH.h5]
//
// Topic t owns the columns of block t (N / T consecutive columns). Document i draws about
// Z / M terms: each from its main topic with probability a_i (uniform in [0.6, 1)), else
// from a second topic; within a topic's block, column j is drawn with probability
// sqrt((j+1)/B) - sqrt(j/B), so a few terms dominate each topic as in real text. Counts are
// scaled to unit L2 norm per row. The planted topic-term matrix (those probabilities) goes
// to TRUTH.h5 as /H (T x N). Every random number comes from a counter keyed by the seed and
// the row, so the file does not depend on the number of ranks.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "io/h5.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"
#include "src/nmf/random.hpp"
#include "src/text/tfidf_weighting.hpp"

using namespace dnmf;

namespace {

struct Plan {
  int64_t rows = 0, columns = 0, nnz = 0, topics = 0;
  uint64_t seed = 1;
  int64_t block() const { return topics > 0 ? columns / topics : columns; }
};

double uniform(const Plan& plan, int64_t row, uint64_t draw) {
  return nmf::random_uniform(plan.seed, static_cast<uint64_t>(row) + 1000, draw);
}

void generate_row(const Plan& plan, int64_t row, std::map<int64_t, double>& counts) {
  counts.clear();
  const double per_row = static_cast<double>(plan.nnz) / static_cast<double>(plan.rows);
  // Planted draws repeat columns (a topic's first terms are frequent): 15% more of them
  // make up for that.
  const double repeats = plan.topics > 0 ? 1.15 : 1.0;
  const auto draws = static_cast<int64_t>(per_row * (0.5 + uniform(plan, row, 0)) * repeats);
  const int64_t block = plan.block();
  if (plan.topics == 0) {
    for (int64_t d = 0; d < draws; ++d) {
      const double u = uniform(plan, row, 10 + d);
      counts[std::min<int64_t>(static_cast<int64_t>(u * static_cast<double>(block)), block - 1)] += 1.0;
    }
    return;
  }
  const auto main_topic = static_cast<int64_t>(uniform(plan, row, 1) * static_cast<double>(plan.topics));
  const auto second_topic = static_cast<int64_t>(uniform(plan, row, 2) * static_cast<double>(plan.topics));
  const double main_share = 0.6 + 0.4 * uniform(plan, row, 3);
  for (int64_t d = 0; d < draws; ++d) {
    const int64_t topic = uniform(plan, row, 10 + 2 * d) < main_share ? main_topic : second_topic;
    const double u = uniform(plan, row, 11 + 2 * d);
    const int64_t within = std::min<int64_t>(static_cast<int64_t>(u * u * static_cast<double>(block)), block - 1);
    counts[topic * block + within] += 1.0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  prefer_reliable_mpi_io();
  MPI_Init(&argc, &argv);
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  int status = 0;
  try {
    CommandLine line("generate", "mpirun -n P dnmf_generate OUT.h5 --rows M --columns N --nnz Z --topics T",
                     "Writes a synthetic TF-IDF file with planted topics (see the source for the model).",
                     {{"rows", "M", "10000", "documents"},
                      {"columns", "N", "5000", "terms"},
                      {"nnz", "Z", "500000", "nonzeros to aim for"},
                      {"topics", "T", "10", "planted topics (0: none, uniform columns)"},
                      {"seed", "S", "1", "random seed"},
                      {"truth", "FILE", "", "also write the planted topics (/H, T x N) here"}});
    Plan plan;
    std::string output, truth;
    run_collectively(comm, [&] {
      line.parse(argc, argv, 1);
      if (line.positionals().size() != 1) throw UserError("give one output file (see --help)");
      output = line.positionals()[0];
      truth = line.value("truth");
      plan.rows = parse_integer_option("rows", line.value("rows"));
      plan.columns = parse_integer_option("columns", line.value("columns"));
      plan.nnz = parse_integer_option("nnz", line.value("nnz"));
      plan.topics = parse_integer_option("topics", line.value("topics"));
      plan.seed = static_cast<uint64_t>(parse_integer_option("seed", line.value("seed")));
      if (plan.rows < 1 || plan.topics < 0 || plan.columns < std::max<int64_t>(plan.topics, 1) || plan.nnz < plan.rows)
        throw UserError("need rows >= 1, columns >= topics >= 0, columns >= 1 and nnz >= rows");
      if (plan.topics == 0 && !truth.empty()) throw UserError("--truth needs planted topics (--topics >= 1)");
    });

    io::TfidfFileSlices slices;
    slices.rows = plan.rows;
    slices.columns = plan.columns;
    slices.matrix.first_row = even_split_start(plan.rows, rank, ranks);
    const int64_t last_row = even_split_start(plan.rows, rank + 1, ranks);
    std::vector<int64_t> frequency(static_cast<size_t>(plan.columns), 0);
    std::map<int64_t, double> counts;
    std::vector<TermCount> terms;
    for (int64_t row = slices.matrix.first_row; row < last_row; ++row) {
      generate_row(plan, row, counts);
      terms.clear();
      for (const auto& [column, count] : counts) {
        terms.push_back({column, count, 1.0});
        ++frequency[static_cast<size_t>(column)];
      }
      append_tfidf_row(slices.matrix, terms, TfidfWeighting{});
      slices.document_ids.push_back("d" + std::to_string(row));
    }
    sum_over_ranks_in_place(comm, frequency);
    slices.first_column = even_split_start(plan.columns, rank, ranks);
    for (int64_t column = slices.first_column; column < even_split_start(plan.columns, rank + 1, ranks); ++column) {
      slices.terms.push_back("w" + std::to_string(column));
      slices.idf.push_back(1.0);
      slices.document_frequency.push_back(frequency[static_cast<size_t>(column)]);
    }
    slices.text_attributes["generator"] =
        plan.topics > 0 ? "dnmf_generate (planted topics)" : "dnmf_generate (uniform columns)";
    run_collectively(comm, [&] { io::write_tfidf_file(comm, output, slices); });

    if (!truth.empty()) {
      std::vector<double> planted;
      if (rank == 0) {
        planted.assign(static_cast<size_t>(plan.topics * plan.columns), 0.0);
        const int64_t block = plan.block();
        for (int64_t t = 0; t < plan.topics; ++t)
          for (int64_t j = 0; j < block; ++j)
            planted[t * plan.columns + t * block + j] =
                std::sqrt(static_cast<double>(j + 1) / block) - std::sqrt(static_cast<double>(j) / block);
      }
      h5::write_file_atomically(
          comm, truth, [&](h5::File& file) { file.write_rows<double>("/H", plan.topics, plan.columns, 0, planted); });
    }
    const int64_t nnz = sum_over_ranks(comm, slices.matrix.nnz());
    if (rank == 0)
      std::printf("dnmf_generate: %lld x %lld, %lld nonzeros, %lld planted topics -> %s\n",
                  static_cast<long long>(plan.rows), static_cast<long long>(plan.columns), static_cast<long long>(nnz),
                  static_cast<long long>(plan.topics), output.c_str());
  } catch (const CollectiveFailure&) {
    status = 1;
  }
  MPI_Finalize();
  return status;
}
