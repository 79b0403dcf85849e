#pragma once
// scikit-learn's cleaning of Usenet posts (what fetch_20newsgroups(remove=...) applies),
// reproduced exactly so that a cleaned corpus tokenizes to the same matrix:
//   headers: drop everything up to the first blank line ("\n\n"); no blank line, no text;
//   footers: drop the text after the last line (ignoring trailing blank lines) that is
//            blank or made only of '-', the signature heuristic; keep the text when that
//            line is the first one;
//   quotes:  drop lines that contain "writes in", "writes:", "wrote:", "says:", "said:",
//            or start with "In article", "Quoted from", "|" or ">".
// Applied in that order, as scikit-learn does. Text is UTF-8; whitespace is Python's
// str.isspace().
#include <string>
#include <string_view>

namespace dnmf::text {

struct NewsgroupCleaning {
  bool headers = false;
  bool footers = false;
  bool quotes = false;
  bool any() const { return headers || footers || quotes; }
};

// Parses "headers,footers,quotes" (any subset); throws UserError on an unknown part.
NewsgroupCleaning parse_newsgroup_cleaning(const std::string& list);

std::string strip_newsgroup_header(std::string_view text);
std::string strip_newsgroup_footer(std::string_view text);
std::string strip_newsgroup_quoting(std::string_view text);
std::string clean_newsgroup_post(std::string_view text, const NewsgroupCleaning& cleaning);
// The same as a view of `text` when no quote line goes (most posts), else of `buffer`.
std::string_view clean_newsgroup_post(std::string_view text, const NewsgroupCleaning& cleaning, std::string& buffer);

// Python's str.strip() with no argument, on UTF-8.
std::string_view strip_python_whitespace(std::string_view text);

}  // namespace dnmf::text
