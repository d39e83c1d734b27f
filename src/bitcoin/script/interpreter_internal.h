// Helpers shared by the interpreter's source files; not part of the module's interface.
#pragma once

#include "util/bytes.h"

namespace tonari::bitcoin::script {

// Script truth: any non-zero byte, except that negative zero (0x80 last) is false.
bool CastToBool(util::ByteSpan v);

}  // namespace tonari::bitcoin::script
