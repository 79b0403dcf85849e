#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "src/text/coherence.hpp"

using namespace dnmf::text;

// Topic 0: words a (0), b (1); topic 1: words b (1), c (2).
TopicWords two_topics() { return topic_words_of({{"a", "b"}, {"b", "c"}}); }

TEST_CASE("topic words are listed once, in the order first met") {
  const auto words = two_topics();
  CHECK(words.words == std::vector<std::string>{"a", "b", "c"});
  CHECK(words.topics == std::vector<std::vector<int32_t>>{{0, 1}, {1, 2}});
}

TEST_CASE("documents count each word and pair once, empty ones included") {
  const auto words = two_topics();
  CooccurrenceCounts documents(words, 0);
  documents.add_document({0, 1, 0, -1});  // a b a x
  documents.add_document({});
  documents.add_document({2, 1});  // c b
  CHECK(documents.units() == 3);
  CHECK(documents.occurrences(0) == 1);
  CHECK(documents.occurrences(1) == 2);
  CHECK(documents.together(0, 0, 1) == 1);  // a with b
  CHECK(documents.together(1, 1, 0) == 1);  // c with b, either order
  CHECK(documents.together(1, 0, 0) == 2);  // b with itself: its occurrences
}

TEST_CASE("sliding windows follow gensim's marks") {
  const auto words = two_topics();
  CooccurrenceCounts windows(words, 2);
  // a a b, windows [a a], [a b]: at the slide the left a leaves and a is marked gone,
  // though the other a is still in the window (gensim's _slide_window), so the second
  // window holds only b.
  windows.add_document({0, 0, 1});
  CHECK(windows.units() == 2);
  CHECK(windows.occurrences(0) == 1);
  CHECK(windows.occurrences(1) == 1);
  CHECK(windows.together(0, 0, 1) == 0);
  // Shorter than the window: one window; no tokens: no window.
  windows.add_document({1});
  windows.add_document({});
  CHECK(windows.units() == 3);
  CHECK(windows.occurrences(1) == 2);
}

TEST_CASE("measures from counts, by hand") {
  const auto words = topic_words_of({{"a", "b"}});
  CooccurrenceCounts documents(words, 0), windows(words, 1);
  // Four documents: "a b", "a", "b", "x". Windows of one token: a, b, a, b, x (N = 5).
  for (const auto& document : std::vector<std::vector<int32_t>>{{0, 1}, {0}, {1}, {-1}}) {
    documents.add_document(document);
    windows.add_document(document);
  }
  const auto coherence = coherence_of(documents, windows, windows);
  const double e = 1e-12;
  // u_mass: one pair (b, a): log((1/4 + e) / (2/4)).
  CHECK(coherence.u_mass[0] == Approx(std::log((0.25 + e) / 0.5)).epsilon(1e-14));
  // c_uci: (a, b) and (b, a), never together in a window: log(e / (2/5 * 2/5)).
  const double pmi = std::log(e / (0.4 * 0.4));
  CHECK(coherence.c_uci[0] == Approx(pmi).epsilon(1e-14));
  CHECK(coherence.c_npmi[0] == Approx(pmi / -std::log(e)).epsilon(1e-14));
  // c_v: vectors (npmi(a,a), npmi(a,b)) and (npmi(b,a), npmi(b,b)); npmi(w,w) with p = 2/5:
  // log((p + e) / p^2) / -log(p + e). Both words alike, so each cosine is the same.
  const double self = std::log((0.4 + e) / 0.16) / -std::log(0.4 + e), other = pmi / -std::log(e);
  const double sum = self + other;
  const double cosine =
      (self * sum + other * sum) / (std::sqrt(self * self + other * other) * std::sqrt(2 * sum * sum));
  CHECK(coherence.c_v[0] == Approx(cosine).epsilon(1e-14));
}
