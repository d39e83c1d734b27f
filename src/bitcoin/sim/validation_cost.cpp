// The validation cost table's lookups.
#include "bitcoin/sim/validation_cost.h"

#include <cmath>

namespace tonari::bitcoin::sim {

std::string_view ValidationModelName(ValidationModel model) {
    switch (model) {
        case ValidationModel::None: return "none";
        case ValidationModel::Cached: return "cached";
        case ValidationModel::Full: return "full";
    }
    return "none";
}

std::optional<ValidationModel> ParseValidationModel(std::string_view name) {
    for (const auto m : {ValidationModel::None, ValidationModel::Cached, ValidationModel::Full}) {
        if (name == ValidationModelName(m)) return m;
    }
    return std::nullopt;
}

int64_t ValidationUs(ValidationModel model, size_t block_bytes) {
    const double kb = static_cast<double>(block_bytes) / 1000.0;
    switch (model) {
        case ValidationModel::None: return 0;
        case ValidationModel::Cached: return std::llround(kb * CACHED_US_PER_KB);
        case ValidationModel::Full: return std::llround(kb * FULL_US_PER_KB);
    }
    return 0;
}

}  // namespace tonari::bitcoin::sim
