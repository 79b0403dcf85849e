#pragma once
// How well documents' dominant topics agree with their labels, as scikit-learn's
// clustering metrics define it (sklearn.metrics.cluster, 1.2), from the contingency
// table n[c][l] of documents by cluster c (a topic, or "none" for a row of W of zeros)
// and label l, with N documents, a_c = Σ_l n[c][l], b_l = Σ_c n[c][l], natural logs:
//   MI            Σ n/N (ln n − ln N) + n/N (ln N + ln N − ln(a_c b_l)) over n > 0 (at least 0)
//   H(labels)     −Σ_l b_l/N (ln b_l − ln N);  H(clusters) the same over a_c
//   NMI           MI / ((H(labels) + H(clusters)) / 2): 1 when both have one class, 0 when MI = 0
//   homogeneity   MI / H(labels), completeness MI / H(clusters) (1 when the entropy is 0)
//   V-measure     2 h c / (h + c) (0 when h + c = 0)
//   ARI           from the pair counts tp = Σ n² − N, fp = Σ n a_c − Σ n², fn = Σ n b_l − Σ n²,
//                 tn = N² − fp − fn − Σ n²:  2 (tp tn − fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)),
//                 1 when fn = fp = 0 (the products exact in 128-bit integers, as Python's)
//   purity        Σ_c max_l n[c][l] / N   (not in scikit-learn)
#include <cstdint>
#include <vector>

namespace dnmf {

struct LabelAgreement {
  double nmi = 0, adjusted_rand = 0, homogeneity = 0, completeness = 0, v_measure = 0, purity = 0;
};

// table[c][l]: documents of cluster c and label l.
LabelAgreement label_agreement(const std::vector<std::vector<int64_t>>& table);

}  // namespace dnmf
