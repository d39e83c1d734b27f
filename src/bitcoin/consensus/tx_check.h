// Context-free transaction checks: the rules a transaction must satisfy whatever chain it is
// in, before its inputs are even looked up. Bitcoin Core's CheckTransaction, rule for rule
// and in the same order, so the first failure reported is the one Core reports.
// Pure function; safe from any thread.
#pragma once

#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/transaction.h"
#include "util/result.h"

namespace tonari::bitcoin::consensus {

// Checks, in order: inputs and outputs non-empty; stripped size * 4 within MAX_BLOCK_WEIGHT;
// each output value and the running total within [0, MAX_MONEY]; no input spent twice;
// coinbase scriptSig 2..100 bytes, or no null prevout in a non-coinbase.
util::Result<void, TxError> CheckTransaction(const primitives::Tx& tx);

}  // namespace tonari::bitcoin::consensus
