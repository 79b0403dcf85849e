#pragma once
// Named choices (a solver, a start, an input format): each kind has one table of entries,
// every entry with a `name` and a one-line `help`, and the table alone drives parsing,
// --help and the "use a, b or c" message, as PETSc's registries do.
#include <string>
#include <vector>

#include "src/base/errors.hpp"

namespace dnmf {

// "a, b or c" of the entries' names, in table order.
template <class Entry>
std::string names_of_choices(const std::vector<Entry>& table) {
  std::string text;
  for (size_t i = 0; i < table.size(); ++i)
    text += (i == 0 ? "" : i + 1 == table.size() ? " or " : ", ") + std::string(table[i].name);
  return text;
}

// The entry named `name`; otherwise a UserError: "--OPTION: unknown KIND 'name' (use a, b or c)".
template <class Entry>
const Entry& find_choice(const std::vector<Entry>& table, const std::string& name, const std::string& option,
                         const std::string& kind) {
  for (const auto& entry : table)
    if (name == entry.name) return entry;
  throw UserError("--" + option + ": unknown " + kind + " '" + name + "' (use " + names_of_choices(table) + ")");
}

// One line per entry, "  name  help", for a command's --help.
template <class Entry>
std::string help_of_choices(const std::vector<Entry>& table) {
  std::string text;
  for (const auto& entry : table) {
    std::string name = entry.name;
    text += "  " + name + std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') + entry.help + "\n";
  }
  return text;
}

}  // namespace dnmf
