#include "io/transform_file.hpp"

#include "io/h5.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {

void write_transform_file(MPI_Comm comm, const std::string& path, const std::string& model_path,
                          TransformSlices& slices) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  auto model = h5::File::open(comm, model_path);
  const auto h_shape = model.dataset_shape("/H");
  const int64_t columns = h_shape.at(1);
  h5::write_file_atomically(comm, path, [&](h5::File& file) {
    file.write_attribute("/", "format", std::string(kTransformFormat));
    file.write_attribute("/", "format_version", int64_t{1});
    for (const auto& [name, value] : slices.text_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : slices.integer_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : slices.real_attributes) file.write_attribute("/", name, value);

    file.write_rows<double>("/W", slices.rows, slices.k, slices.first_row, slices.w);
    auto& shares = slices.w;  // W's rows become their shares, in place
    for (size_t row = 0; row < shares.size(); row += static_cast<size_t>(slices.k)) {
      double sum = 0;
      for (int64_t t = 0; t < slices.k; ++t) sum += shares[row + t];
      for (int64_t t = 0; t < slices.k; ++t) shares[row + t] = sum > 0 ? shares[row + t] / sum : 0.0;
    }
    file.write_rows<double>("/topic_shares", slices.rows, slices.k, slices.first_row, shares);
    file.write_slice<int32_t>("/dominant_topic", slices.rows, slices.first_row, slices.dominant_topic);
    file.write_slice<double>("/reconstruction_error", slices.rows, slices.first_row, slices.reconstruction_error);
    file.write_strings("/documents", slices.first_row, slices.document_ids);
    if (sum_over_ranks(comm, static_cast<int64_t>(slices.snippets.size())) == slices.rows)
      file.write_strings("/snippets", slices.first_row, slices.snippets);
    if (!slices.label_names.empty()) {
      file.write_slice<int32_t>("/labels", slices.rows, slices.first_row, slices.labels);
      file.write_strings("/label_names", 0, rank == 0 ? slices.label_names : std::vector<std::string>{});
    }
    // The model's topics, each rank an even share of its rows and terms.
    const int64_t first_topic = even_split_start(slices.k, rank, ranks);
    const int64_t topics = even_split_start(slices.k, rank + 1, ranks) - first_topic;
    file.write_rows<double>("/H", slices.k, columns, first_topic,
                            model.read_rows<double>("/H", first_topic, topics, columns));
    const int64_t first_column = even_split_start(columns, rank, ranks);
    const int64_t owned = even_split_start(columns, rank + 1, ranks) - first_column;
    file.write_strings("/vocabulary", first_column, model.read_strings("/vocabulary", first_column, owned));
  });
}

}  // namespace dnmf::io
