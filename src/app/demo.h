// `tonari demo`: a tour of what the node can do at this stage, on real Bitcoin data.
#pragma once

#include <ostream>
#include <string>

namespace tonari::app {

// Returns 0 when every step checked out, 1 otherwise (a failed step is printed as such).
int RunDemo(const std::string& data_dir, std::ostream& out);

}  // namespace tonari::app
