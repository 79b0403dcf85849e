// The command-line parser (src/base/cli.hpp) and the choice tables (src/base/choices.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/base/choices.hpp"
#include "src/base/cli.hpp"

using namespace dnmf;

namespace {

CommandLine test_line() {
  return CommandLine("test", "dnmf test INPUT [options]", "A command for the tests.",
                     {{"output", "FILE", "", "where to write", 'o'},
                      {"min-df", "N", "1", "a number with a default"},
                      {"sublinear-tf", "", "", "a flag"}});
}

void parse(CommandLine& line, std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  line.parse(static_cast<int>(argv.size()), argv.data(), 0);
}

struct Fruit {
  const char* name;
  const char* help;
};

}  // namespace

TEST_CASE("options take values by space, by '=' and by short name; the rest are inputs") {
  auto line = test_line();
  parse(line, {"a.txt", "-o", "out.h5", "--min-df=3", "--sublinear-tf", "b.txt"});
  CHECK(line.positionals() == std::vector<std::string>{"a.txt", "b.txt"});
  CHECK(line.value("output") == "out.h5");
  CHECK(line.value("min-df") == "3");
  CHECK(line.flag("sublinear-tf"));
  CHECK(line.given("min-df"));
}

TEST_CASE("defaults stand for options not given, and single-dash options are left to PETSc") {
  auto line = test_line();
  parse(line, {"-log_view", "-options_file", "opts.txt", "in.txt"});
  CHECK(line.positionals() == std::vector<std::string>{"in.txt"});
  CHECK(line.value("min-df") == "1");
  CHECK_FALSE(line.flag("sublinear-tf"));
  CHECK_FALSE(line.given("output"));
}

TEST_CASE("bad options are errors that name the option") {
  auto line = test_line();
  CHECK_THROWS_WITH(parse(line, {"--no-such"}), Catch::Contains("unknown option --no-such"));
  auto missing = test_line();
  CHECK_THROWS_WITH(parse(missing, {"--min-df"}), Catch::Contains("--min-df needs a value"));
  auto flag = test_line();
  CHECK_THROWS_WITH(parse(flag, {"--sublinear-tf=yes"}), Catch::Contains("takes no value"));
}

TEST_CASE("help lists every option with its default and its options-file spelling") {
  auto line = test_line();
  parse(line, {"--help"});
  CHECK(line.help_requested());
  const std::string help = line.help_text();
  CHECK_THAT(help, Catch::Contains("-o, --output FILE"));
  CHECK_THAT(help, Catch::Contains("[default: 1]"));
  CHECK_THAT(help, Catch::Contains("-min_df N"));
}

TEST_CASE("numbers are parsed whole or refused with the option's name") {
  CHECK(parse_integer_option("k", "42") == 42);
  CHECK_THROWS_WITH(parse_integer_option("k", "4x"), Catch::Contains("--k: '4x' is not a whole number"));
  CHECK(parse_real_option("tol", "1e-4") == 1e-4);
  CHECK_THROWS_WITH(parse_real_option("tol", "inf"), Catch::Contains("not a finite number"));
  CHECK(split_list("a,,b,c") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a choice table finds entries by name and lists them otherwise") {
  const std::vector<Fruit> fruits{{"apple", "red"}, {"pear", "green"}, {"plum", "blue"}};
  CHECK(std::string(find_choice(fruits, "pear", "fruit", "fruit").help) == "green");
  CHECK_THROWS_WITH(find_choice(fruits, "fig", "fruit", "fruit"),
                    "--fruit: unknown fruit 'fig' (use apple, pear or plum)");
  CHECK_THAT(help_of_choices(fruits), Catch::Contains("  plum      blue\n"));
}
