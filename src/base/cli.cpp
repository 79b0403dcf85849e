#include "src/base/cli.hpp"

#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/petsc_check.hpp"

namespace dnmf {

CommandLine::CommandLine(std::string command, std::string usage, std::string summary, std::vector<OptionSpec> options)
    : command_(std::move(command)),
      usage_(std::move(usage)),
      summary_(std::move(summary)),
      options_(std::move(options)) {}

const OptionSpec* CommandLine::find_long(const std::string& name) const {
  for (const auto& option : options_)
    if (option.name == name) return &option;
  return nullptr;
}

const OptionSpec* CommandLine::find_short(char name) const {
  for (const auto& option : options_)
    if (option.short_name == name) return &option;
  return nullptr;
}

const OptionSpec& CommandLine::spec(const std::string& name) const {
  const OptionSpec* option = find_long(name);
  if (option == nullptr) throw std::logic_error("option --" + name + " is not declared");
  return *option;
}

void CommandLine::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string argument = argv[i];
    const OptionSpec* option = nullptr;
    std::optional<std::string> attached_value;
    if (argument == "--help" || argument == "-h") {
      help_requested_ = true;
      continue;
    }
    if (argument.rfind("--", 0) == 0 && argument.size() > 2) {
      std::string name = argument.substr(2);
      if (const size_t equals = name.find('='); equals != std::string::npos) {
        attached_value = name.substr(equals + 1);
        name = name.substr(0, equals);
      }
      option = find_long(name);
      if (option == nullptr) throw UserError("unknown option --" + name + " (see dnmf " + command_ + " --help)");
    } else if (argument.size() == 2 && argument[0] == '-' && find_short(argument[1]) != nullptr) {
      option = find_short(argument[1]);
    } else if (argument.size() > 1 && argument[0] == '-' && argument != "-") {
      // A PETSc option: PetscInitialize has taken it, and its value if one follows.
      if (i + 1 < argc && argv[i + 1][0] != '-') ++i;
      continue;
    } else {
      positionals_.push_back(argument);
      continue;
    }
    if (option->value_name.empty()) {
      if (attached_value) throw UserError("option --" + option->name + " takes no value");
      given_[option->name] = "true";
      continue;
    }
    if (attached_value) {
      given_[option->name] = *attached_value;
    } else if (i + 1 < argc) {
      given_[option->name] = argv[++i];
    } else {
      throw UserError("option --" + option->name + " needs a value (" + option->value_name + ")");
    }
  }
}

void CommandLine::fill_from_petsc_options() {
  for (const auto& option : options_) {
    std::string key = "-" + option.name;
    for (char& c : key)
      if (c == '-' && &c != &key[0]) c = '_';
    // Queried even when the command line gave it (which wins), so that PETSc counts it
    // as used and refuse_unused_petsc_options does not take it for a typo.
    PetscBool found = PETSC_FALSE;
    char buffer[4096] = {0};
    petsc_check(PetscOptionsGetString(nullptr, nullptr, key.c_str(), buffer, sizeof buffer, &found),
                "PetscOptionsGetString");
    // PETSc also took the command line's "--name VALUE" and "-o FILE" for options of its
    // own: dnmf has used them.
    std::vector<std::string> spellings{"--" + option.name};
    if (option.short_name != 0) spellings.push_back(std::string("-") + option.short_name);
    for (const auto& spelling : spellings) {
      PetscBool present = PETSC_FALSE;
      petsc_check(PetscOptionsHasName(nullptr, nullptr, spelling.c_str(), &present), "PetscOptionsHasName");
    }
    if (!found || given(option.name)) continue;
    if (option.value_name.empty()) {
      const std::string text = buffer;
      given_[option.name] = (text.empty() || text == "1" || text == "true" || text == "yes") ? "true" : "false";
    } else {
      given_[option.name] = buffer;
    }
  }
}

std::string CommandLine::value(const std::string& name) const {
  const auto& option = spec(name);
  const auto found = given_.find(name);
  return found != given_.end() ? found->second : option.default_value;
}

bool CommandLine::flag(const std::string& name) const {
  spec(name);
  const auto found = given_.find(name);
  return found != given_.end() && found->second == "true";
}

std::map<std::string, std::string> CommandLine::all_values() const {
  std::map<std::string, std::string> values;
  for (const auto& option : options_) values[option.name] = recorded_value(option.name);
  return values;
}

std::string CommandLine::recorded_value(const std::string& name) const {
  return is_flag(name) ? (flag(name) ? "true" : "false") : value(name);
}

std::string CommandLine::default_text(const std::string& name) const {
  return is_flag(name) ? "false" : spec(name).default_value;
}

std::string CommandLine::help_text() const {
  std::ostringstream text;
  text << "usage: " << usage_ << "\n\n" << summary_ << "\n\noptions:\n";
  for (const auto& option : options_) {
    std::string left = "  ";
    if (option.short_name) left += std::string("-") + option.short_name + ", ";
    left += "--" + option.name;
    if (!option.value_name.empty()) left += " " + option.value_name;
    text << left;
    if (left.size() < 28)
      text << std::string(28 - left.size(), ' ');
    else
      text << "\n" << std::string(28, ' ');
    text << option.help;
    if (!option.default_value.empty()) text << " [default: " << option.default_value << "]";
    text << "\n";
  }
  // The options-file spelling, shown with this command's own options (those with a
  // dash in their name first: they are the ones whose spelling changes).
  std::string examples;
  for (const bool dashed : {true, false})
    for (const auto& option : options_) {
      if (examples.size() > 30 || (option.name.find('-') != std::string::npos) != dashed) continue;
      std::string spelled = option.name;
      std::replace(spelled.begin(), spelled.end(), '-', '_');
      examples +=
          (examples.empty() ? "-" : ", -") + spelled + (option.value_name.empty() ? "" : " " + option.value_name);
    }
  text << "  -h, --help                show this help\n\n"
          "PETSc options such as -log_view (time per phase) and -options_file FILE are accepted too;\n"
          "in an options file dnmf's options are spelled "
       << examples << ", ...\n";
  return text.str();
}

void CommandLine::refuse_unused_petsc_options() const {
  // PETSc ignores options nobody asks for, so a typo such as -max-iter 5 (for --max-iter
  // or -max_iter) would run with the default. Everything PETSc and dnmf use has been
  // asked for by now, except the few PETSc reads only when it finishes.
  static const char* const kReadAtFinalize[] = {"options_left", "options_view", "objects_dump",           "malloc_dump",
                                                "malloc_view",  "memory_view",  "check_pointer_intensity"};
  PetscInt count = 0;
  char** names = nullptr;
  char** values = nullptr;
  petsc_check(PetscOptionsLeftGet(nullptr, &count, &names, &values), "PetscOptionsLeftGet");
  std::string unused;
  for (PetscInt i = 0; i < count && unused.empty(); ++i) {
    const std::string name = names[i];
    if (std::find(std::begin(kReadAtFinalize), std::end(kReadAtFinalize), name) == std::end(kReadAtFinalize))
      unused = name;
  }
  petsc_check(PetscOptionsLeftRestore(nullptr, &count, &names, &values), "PetscOptionsLeftRestore");
  if (!unused.empty())
    throw UserError(
        "unknown option -" + unused +
        " (dnmf's options are --name on the command line, -name_with_underscores in an options file; see dnmf " +
        command_ + " --help)");
}

Parsed parse_command_line(MPI_Comm comm, CommandLine& line, int argc, char** argv, int first) {
  run_collectively(
      comm,
      [&] {
        line.parse(argc, argv, first);
        line.fill_from_petsc_options();
        // --help asks for nothing else: whatever else is given is neither used nor a typo.
        if (!line.help_requested()) line.refuse_unused_petsc_options();
      },
      kExitUsage);
  if (!line.help_requested()) return Parsed::run;
  if (comm_rank(comm) == 0) std::fputs(line.help_text().c_str(), stdout);
  return Parsed::help;
}

namespace {

// Whole-string conversion with std::stoll / std::stod; a clear message otherwise.
template <class T, class Convert>
T parse_number(const std::string& name, const std::string& text, Convert convert, const char* kind) {
  size_t used = 0;
  T value{};
  try {
    value = convert(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw UserError("--" + name + ": '" + text + "' is not " + kind);
  return value;
}

template <class T>
T bounded(const std::string& name, const std::string& text, T value, Bound bound) {
  if (bound == Bound::nonnegative && !(value >= 0)) throw UserError("--" + name + ": '" + text + "' is negative");
  if (bound == Bound::positive && !(value > 0))
    throw UserError("--" + name + ": '" + text + "' is not positive (it must be > 0)");
  return value;
}

}  // namespace

int64_t parse_integer_option(const std::string& name, const std::string& text, Bound bound) {
  const auto value = parse_number<int64_t>(
      name, text, [](const std::string& t, size_t* used) { return std::stoll(t, used); }, "a whole number");
  return bounded(name, text, value, bound);
}

double parse_real_option(const std::string& name, const std::string& text, Bound bound) {
  const double value = parse_number<double>(
      name, text, [](const std::string& t, size_t* used) { return std::stod(t, used); }, "a number");
  if (!std::isfinite(value)) throw UserError("--" + name + ": '" + text + "' is not a finite number");
  return bounded(name, text, value, bound);
}

std::string join_list(const std::vector<std::string>& parts, const std::string& separator) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) joined += (i ? separator : "") + parts[i];
  return joined;
}

std::string exact_text(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace dnmf
