#pragma once
// Command-line options: each command declares its options once, in a table with value
// names and help text, and that table drives parsing, defaults and --help.
//
// Arguments starting with "--" (or a declared one-letter "-o"-style alias) are dnmf's;
// other arguments starting with a single "-" belong to PETSc (-log_view, -options_file,
// ...) and are left to PetscInitialize, together with a following value that does not
// start with '-'. Everything else is a positional argument (the inputs).
// dnmf options may also come from PETSc's options database (for example an
// -options_file), spelled with a single dash and underscores: --min-df 2 is -min_df 2.
#include <mpi.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dnmf {

struct OptionSpec {
  std::string name;        // long name without dashes, e.g. "min-df"
  std::string value_name;  // e.g. "N"; empty for a flag
  std::string default_value;
  std::string help;
  char short_name = 0;  // e.g. 'o' for -o
};

class CommandLine {
 public:
  CommandLine(std::string command, std::string usage, std::string summary, std::vector<OptionSpec> options);

  // Parses argv[first..]; throws UserError naming the bad option.
  void parse(int argc, char** argv, int first);
  // Fills options not given on the command line from PETSc's options database.
  void fill_from_petsc_options();
  // UserError naming the first single-dash option neither PETSc nor dnmf has used.
  void refuse_unused_petsc_options() const;

  bool help_requested() const { return help_requested_; }
  std::string help_text() const;

  const std::vector<std::string>& positionals() const { return positionals_; }
  std::string value(const std::string& name) const;
  bool flag(const std::string& name) const;
  bool given(const std::string& name) const { return given_.count(name) > 0; }
  // Every option with its value, for recording in output files ("true" or "false" for a
  // flag); recorded_value is one of them, default_text what it is when not given.
  std::map<std::string, std::string> all_values() const;
  std::string recorded_value(const std::string& name) const;
  std::string default_text(const std::string& name) const;
  bool is_flag(const std::string& name) const { return spec(name).value_name.empty(); }
  // Sets option `name` as if given, to a value as all_values records it (an option taken
  // from a file).
  void set(const std::string& name, const std::string& value) {
    spec(name);
    given_[name] = value;
  }
  void set_positionals(std::vector<std::string> positionals) { positionals_ = std::move(positionals); }

 private:
  const OptionSpec& spec(const std::string& name) const;
  const OptionSpec* find_long(const std::string& name) const;
  const OptionSpec* find_short(char name) const;

  std::string command_, usage_, summary_;
  std::vector<OptionSpec> options_;
  std::map<std::string, std::string> given_;
  std::vector<std::string> positionals_;
  bool help_requested_ = false;
};

enum class Parsed { run, help };
// Collective: parses argv[first..] into `line` and fills what it lacks from PETSc's
// options database, as one collective phase. With --help, rank 0 prints the help and the
// result is Parsed::help: the command has nothing more to do.
Parsed parse_command_line(MPI_Comm comm, CommandLine& line, int argc, char** argv, int first);

// Parses a whole number / a number for option `name`, with a clear message otherwise.
// What values an option takes beyond its type: a UserError names the option otherwise.
enum class Bound { any, nonnegative, positive };
int64_t parse_integer_option(const std::string& name, const std::string& text, Bound bound = Bound::any);
double parse_real_option(const std::string& name, const std::string& text, Bound bound = Bound::any);
std::vector<std::string> split_list(const std::string& text, char separator = ',');
// The parts joined by `separator`: "a, b" for messages, "a b" for recorded inputs, which
// split_list(text, ' ') reads back.
std::string join_list(const std::vector<std::string>& parts, const std::string& separator);
// A number as text that reads back as the same double (17 significant digits), for
// settings recorded in files and compared on reading.
std::string exact_text(double x);

}  // namespace dnmf
