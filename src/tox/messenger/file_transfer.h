// File transfers between friends (spec "Messenger", FILE_SENDREQUEST, FILE_CONTROL,
// FILE_DATA; c-toxcore's layout): an offer names a file number (0-255 per direction), kind,
// size, a 32-byte id and a name; the receiver accepts (or kills); data follows in order as
// lossless packets of up to 1,371 bytes, a short (or empty) one ending it. Incoming files are
// written under a downloads folder with a safe name and hashed as they arrive; outgoing ones are
// read in chunks as the session's window makes room. The types here are plain data and the
// packet layouts; Messenger drives them.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "crypto/sha256.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::tox::messenger {

inline constexpr uint8_t PACKET_ID_FILE_SENDREQUEST = 80;
inline constexpr uint8_t PACKET_ID_FILE_CONTROL = 81;
inline constexpr uint8_t PACKET_ID_FILE_DATA = 82;
inline constexpr uint8_t FILE_CONTROL_ACCEPT = 0;
inline constexpr uint8_t FILE_CONTROL_PAUSE = 1;
inline constexpr uint8_t FILE_CONTROL_KILL = 2;
inline constexpr uint8_t FILE_CONTROL_SEEK = 3;
inline constexpr size_t FILE_ID_SIZE = 32;
inline constexpr size_t MAX_FILE_NAME = 255;
// A data packet's payload: the session's 1,373 bytes less the id and the file number.
inline constexpr size_t MAX_FILE_DATA = 1371;
// Transfers at once per friend and direction (c-toxcore allows 256; a friend offering more is
// refused, so offers cannot pile up open files).
inline constexpr size_t MAX_FILES_PER_DIRECTION = 32;
// Unacknowledged packets a sending file keeps in flight, refilled as acknowledgements come.
// Measured on loopback (bench/tox_bench.py, 64 MiB) tonari to tonari: 512 packets ~170 MiB/s,
// 1,024 ~147, 2,048 ~120, 4,096 ~90 (bigger bursts overflow the receiver's socket); but
// c-toxcore acknowledges only every ~150 ms, so to it 512 gives 13 MiB/s and 2,048 25. 1,024
// serves both. A fixed window caps a long link at 1,024 x 1,371 bytes per round trip (28 MB/s
// at 50 ms): a window that follows the measured round trip and loss is the next step.
inline constexpr size_t FILE_WINDOW_PACKETS = 1024;
// …and through a TCP relay, where nobody sees the receiver's TCP window: a c-toxcore receiver
// reads only whole packets, and a burst that fills its socket on loopback can close the window
// for good with a partial packet left unread (measured: 256 packets in flight stall every
// time, 96 and 128 under CPU load, 64 never in three loaded runs). 48 keeps a 2x margin; a
// c-toxcore receiver's request every 50 ms still moves about 1.2 MiB/s.
inline constexpr size_t RELAY_FILE_WINDOW_PACKETS = 48;

struct FileOffer {
    uint8_t number = 0;
    uint32_t kind = 0;  // 0 data, 1 avatar
    uint64_t size = 0;
    std::array<uint8_t, FILE_ID_SIZE> id{};
    std::string name;
};
util::Bytes EncodeFileOffer(const FileOffer& offer);
std::optional<FileOffer> DecodeFileOffer(util::ByteSpan body);

// A name safe to create under the downloads folder: no folders, no "..", no control
// characters; "file" when nothing is left.
std::string SafeFileName(const std::string& offered);
// `folder/name`, or `folder/name (1)`… when taken.
std::filesystem::path FreePath(const std::filesystem::path& folder, const std::string& name);

struct OutgoingFile {
    FileOffer offer;
    std::ifstream in;
    uint64_t sent = 0;
    bool accepted = false;
    bool paused_by_them = false;
    bool finished = false;
};

struct IncomingFile {
    FileOffer offer;
    std::filesystem::path path;
    std::ofstream out;
    crypto::Sha256 hash;
    uint64_t received = 0;
    bool accepted = false;
};

}  // namespace tonari::tox::messenger
