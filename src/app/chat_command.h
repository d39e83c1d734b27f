// `tonari chat …`: the Tox messaging commands (id, profile, bootstrap). argv[0] is "chat". Returns the
// process exit code.
#pragma once

namespace tonari::app {

int RunChat(int argc, char** argv);

}  // namespace tonari::app
