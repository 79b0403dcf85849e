// Expected values are worked out by hand from scikit-learn's three functions
// (sklearn/datasets/_twenty_newsgroups.py), quoted in src/text/newsgroup_cleaning.hpp.
#include <catch2/catch.hpp>

#include "src/base/errors.hpp"
#include "src/text/newsgroup_cleaning.hpp"

using namespace dnmf::text;

TEST_CASE("header removal keeps what follows the first blank line") {
  CHECK(strip_newsgroup_header("From: a\nSubject: b\n\nBody\n\nMore") == "Body\n\nMore");
  CHECK(strip_newsgroup_header("no blank line at all\njust headers") == "");
  CHECK(strip_newsgroup_header("\n\nstarts blank") == "starts blank");
}

TEST_CASE("footer removal cuts at the last blank or dashed line") {
  // lines after strip(): Hello | world | "" | "-- " | Sig -> cut at index 3 ("-- ")
  CHECK(strip_newsgroup_footer("Hello\nworld\n\n-- \nSig") == "Hello\nworld\n");
  // the only separator is the first line: the text comes back unchanged
  CHECK(strip_newsgroup_footer("----\nabc") == "----\nabc");
  // trailing blank lines are stripped before looking: "a\n\nb" -> cut at index 1
  CHECK(strip_newsgroup_footer("a\n\nb\n\n\n") == "a");
  // Python's whitespace includes NO-BREAK SPACE and the separators U+001C..U+001F
  CHECK(strip_newsgroup_footer("a\nb\n\xc2\xa0\nsig") == "a\nb");
  CHECK(strip_newsgroup_footer("a\nb\n\x1c\nsig") == "a\nb");
  // "- -" is not made of dashes only once stripped: no cut there
  CHECK(strip_newsgroup_footer("x\n- -\ny") == "x\n- -\ny");
  CHECK(strip_newsgroup_footer("") == "");
}

TEST_CASE("quote removal drops quoting and attribution lines") {
  CHECK(strip_newsgroup_quoting("keep\n> quoted\nIn article <x>\nhe writes: y\n| pipe\n said: z\nkeep2\n a>b") ==
        "keep\nkeep2\n a>b");
  CHECK(strip_newsgroup_quoting("Quoted from x\nfine\n") == "fine\n");
  CHECK(strip_newsgroup_quoting("a\n\nb") == "a\n\nb");
  CHECK(strip_newsgroup_quoting("someone wrote: this\nwrites in here") == "");
}

TEST_CASE("cleaning applies headers, footers, quotes in scikit-learn's order") {
  const std::string post = "From: x\n\nIn article y\nBody text\n\n-- \nsignature";
  CHECK(clean_newsgroup_post(post, parse_newsgroup_cleaning("headers,footers,quotes")) == "Body text\n");
  CHECK(clean_newsgroup_post(post, parse_newsgroup_cleaning("quotes")) == "From: x\n\nBody text\n\n-- \nsignature");
  CHECK_THROWS_AS(parse_newsgroup_cleaning("headers,signature"), dnmf::UserError);
}

TEST_CASE("Python's str.strip on UTF-8") {
  CHECK(strip_python_whitespace(" \t\xe3\x80\x80word\xc2\x85\n") == "word");  // U+3000, U+0085
  CHECK(strip_python_whitespace("\xe2\x80\x8bword") == "\xe2\x80\x8bword");   // U+200B is not whitespace
}
