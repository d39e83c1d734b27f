// Every message of this module in one include, for code that dispatches on the command
// (net processing, the fuzz target). Each message type has COMMAND, Encode() and Decode().
#pragma once

#include "bitcoin/wire/addr.h"
#include "bitcoin/wire/block_msg.h"
#include "bitcoin/wire/compact_block.h"
#include "bitcoin/wire/empty_messages.h"
#include "bitcoin/wire/feefilter.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/headers.h"
#include "bitcoin/wire/inventory.h"
#include "bitcoin/wire/locator.h"
#include "bitcoin/wire/net_address.h"
#include "bitcoin/wire/ping.h"
#include "bitcoin/wire/protocol.h"
#include "bitcoin/wire/sendcmpct.h"
#include "bitcoin/wire/tx_msg.h"
#include "bitcoin/wire/version.h"
