// Append-only record files; see flat_file.h for the format and the crash-safety contract.
#include "storage/flat_file.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>

namespace tonari::storage {

namespace fs = std::filesystem;

namespace {

// Resync reads garbage in chunks of this size while looking for the next record header.
constexpr size_t SCAN_CHUNK = 64 * 1024;

void PutU32LE(uint8_t* out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t GetU32LE(const uint8_t* in) {
    return static_cast<uint32_t>(in[0]) | (static_cast<uint32_t>(in[1]) << 8) |
           (static_cast<uint32_t>(in[2]) << 16) | (static_cast<uint32_t>(in[3]) << 24);
}

// "<prefix>NNNNN.dat" -> NNNNN.
std::optional<uint32_t> ParseFileNumber(const std::string& name, const std::string& prefix) {
    static const std::string suffix = ".dat";
    if (name.size() <= prefix.size() + suffix.size()) return std::nullopt;
    if (name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size() - suffix.size();
    if (!std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    uint32_t n = 0;
    const auto [ptr, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || ptr != last) return std::nullopt;
    return n;
}

// Header check shared by Read, ScanFile and the resync search: the magic matches, the length is
// believable and the record fits in what the file holds. Nothing is allocated before this.
bool HeaderFits(const uint8_t* header, const FileMagic& magic, uint32_t max_record_size,
                uint64_t header_offset, uint64_t file_size) {
    if (!std::equal(magic.begin(), magic.end(), header)) return false;
    const uint32_t len = GetU32LE(header + 4);
    return len <= max_record_size && header_offset + FlatFileSeq::HEADER_SIZE + len <= file_size;
}

}  // namespace

FlatFileSeq::FlatFileSeq(Env& env, fs::path dir, std::string prefix, FileMagic magic, Options options)
    : m_env(env), m_dir(std::move(dir)), m_prefix(std::move(prefix)), m_magic(magic), m_options(options) {}

FlatFileSeq::~FlatFileSeq() = default;

StorageResult<std::unique_ptr<FlatFileSeq>> FlatFileSeq::Open(Env& env, fs::path dir, std::string prefix,
                                                              FileMagic magic, Options options) {
    if (options.max_file_size <= HEADER_SIZE || options.max_record_size == 0) {
        return util::Fail(StorageError::InvalidArgument("flat file sizes too small"));
    }
    if (Status s = env.CreateDirs(dir); !s) return util::Fail(s.error());
    auto names = env.ListDir(dir);
    if (!names) return util::Fail(names.error());
    uint32_t last = 0;
    std::vector<uint32_t> numbers;
    for (const std::string& name : *names) {
        if (const auto n = ParseFileNumber(name, prefix)) {
            numbers.push_back(*n);
            last = std::max(last, *n);
        }
    }
    std::unique_ptr<FlatFileSeq> seq(new FlatFileSeq(env, std::move(dir), std::move(prefix), magic, options));
    const std::lock_guard lock(seq->m_mutex);
    for (const uint32_t n : numbers) {
        if (n == last) continue;
        auto file = env.OpenReadable(seq->FilePath(n));
        if (!file) return util::Fail(file.error());
        auto size = (*file)->Size();
        if (!size) return util::Fail(size.error());
        seq->m_closed_sizes[n] = *size;
    }
    if (Status s = seq->OpenForAppend(last); !s) return util::Fail(s.error());
    return seq;
}

fs::path FlatFileSeq::FilePath(uint32_t file) const {
    char num[16];
    std::snprintf(num, sizeof(num), "%05u", file);
    return m_dir / (m_prefix + num + ".dat");
}

Status FlatFileSeq::OpenForAppend(uint32_t file) {
    const fs::path path = FilePath(file);
    auto exists = m_env.FileExists(path);
    if (!exists) return util::Fail(exists.error());
    auto out = m_env.OpenAppendable(path);
    if (!out) return util::Fail(out.error());
    if (!*exists) m_dir_dirty = true;
    m_out = std::move(*out);
    m_file = file;
    return {};
}

std::map<uint32_t, uint64_t> FlatFileSeq::FileSizes() const {
    const std::lock_guard lock(m_mutex);
    std::map<uint32_t, uint64_t> out = m_closed_sizes;
    out[m_file] = m_out->Size();
    return out;
}

uint64_t FlatFileSeq::TotalSize() const {
    const std::lock_guard lock(m_mutex);
    uint64_t total = m_out->Size();
    for (const auto& [file, size] : m_closed_sizes) total += size;
    return total;
}

Status FlatFileSeq::RemoveFile(uint32_t file) {
    const std::lock_guard lock(m_mutex);
    if (file == m_file) {
        return util::Fail(StorageError::InvalidArgument("cannot remove " + FilePath(file).string() +
                                                        ": it is the file taking appends"));
    }
    if (Status s = m_env.RemoveFile(FilePath(file)); !s) return s;
    m_closed_sizes.erase(file);
    return m_env.SyncDir(m_dir);
}

uint32_t FlatFileSeq::CurrentFile() const {
    const std::lock_guard lock(m_mutex);
    return m_file;
}

uint64_t FlatFileSeq::CurrentFileSize() const {
    const std::lock_guard lock(m_mutex);
    return m_out->Size();
}

StorageResult<FlatFilePos> FlatFileSeq::Append(util::ByteSpan data) {
    const std::lock_guard lock(m_mutex);
    return AppendLocked(data);
}

StorageResult<FlatFilePos> FlatFileSeq::AppendLocked(util::ByteSpan data) {
    if (data.size() > m_options.max_record_size) {
        return util::Fail(StorageError::InvalidArgument("record of " + std::to_string(data.size()) +
                                                        " bytes exceeds the maximum of " +
                                                        std::to_string(m_options.max_record_size)));
    }
    const uint64_t need = HEADER_SIZE + data.size();
    if (m_out->Size() > 0 && m_out->Size() + need > m_options.max_file_size) {
        // Finish the full file, data and name: positions in it may be recorded after the next
        // Flush(true), which only syncs the file then current.
        if (Status s = m_out->Sync(); !s) return util::Fail(s.error());
        if (m_dir_dirty) {
            if (Status s = m_env.SyncDir(m_dir); !s) return util::Fail(s.error());
            m_dir_dirty = false;
        }
        const uint32_t full = m_file;
        const uint64_t full_size = m_out->Size();
        if (Status s = OpenForAppend(m_file + 1); !s) return util::Fail(s.error());
        m_closed_sizes[full] = full_size;
    }
    const uint64_t start = m_out->Size();
    uint8_t header[HEADER_SIZE];
    std::copy(m_magic.begin(), m_magic.end(), header);
    PutU32LE(header + 4, static_cast<uint32_t>(data.size()));
    Status s = m_out->Append(header);
    if (s) s = m_out->Append(data);
    if (!s) {
        (void)m_out->Truncate(start);  // best effort; TruncateTo at startup covers a failure
        return util::Fail(s.error());
    }
    return FlatFilePos{m_file, start + HEADER_SIZE};
}

Status FlatFileSeq::Flush(bool fsync) {
    if (!fsync) return {};
    const std::lock_guard lock(m_mutex);
    if (Status s = m_out->Sync(); !s) return s;
    if (m_dir_dirty) {
        if (Status s = m_env.SyncDir(m_dir); !s) return s;
        m_dir_dirty = false;
    }
    return {};
}

StorageResult<util::Bytes> FlatFileSeq::Read(FlatFilePos pos) const {
    const fs::path path = FilePath(pos.file);
    const std::string where = path.string() + " at offset " + std::to_string(pos.offset);
    if (pos.offset < HEADER_SIZE) {
        return util::Fail(StorageError::InvalidArgument("no record can start in " + where));
    }
    auto file = m_env.OpenReadable(path);
    if (!file) return util::Fail(file.error());
    auto size = (*file)->Size();
    if (!size) return util::Fail(size.error());
    const uint64_t header_offset = pos.offset - HEADER_SIZE;
    uint8_t header[HEADER_SIZE];
    auto got = (*file)->ReadAt(header_offset, header);
    if (!got) return util::Fail(got.error());
    if (*got < HEADER_SIZE) {
        return util::Fail(StorageError::Corruption("truncated file: no record header in " + where));
    }
    if (!std::equal(m_magic.begin(), m_magic.end(), header)) {
        return util::Fail(StorageError::Corruption("bad record magic in " + where));
    }
    const uint32_t len = GetU32LE(header + 4);
    if (len > m_options.max_record_size) {
        return util::Fail(StorageError::Corruption("record length " + std::to_string(len) +
                                                   " exceeds the maximum in " + where));
    }
    if (pos.offset + len > *size) {
        return util::Fail(StorageError::Corruption("truncated file: record of " + std::to_string(len) +
                                                   " bytes runs past the end (" + std::to_string(*size) +
                                                   " bytes) in " + where));
    }
    util::Bytes data(len);
    got = (*file)->ReadAt(pos.offset, data);
    if (!got) return util::Fail(got.error());
    if (*got != len) return util::Fail(StorageError::Corruption("truncated file: short read in " + where));
    return data;
}

StorageResult<ScanReport> FlatFileSeq::ScanFile(
    uint32_t file_number, const std::function<bool(FlatFilePos, util::ByteSpan)>& fn) const {
    auto opened = m_env.OpenReadable(FilePath(file_number));
    if (!opened) return util::Fail(opened.error());
    const ReadableFile& file = **opened;
    auto size = file.Size();
    if (!size) return util::Fail(size.error());

    ScanReport report;
    report.file_size = *size;
    const auto header_fits_at = [&](const uint8_t* header, uint64_t offset) {
        return HeaderFits(header, m_magic, m_options.max_record_size, offset, report.file_size);
    };
    // Next offset >= from holding a header that fits, or nullopt if none before the end.
    const auto find_next_header = [&](uint64_t from) -> StorageResult<std::optional<uint64_t>> {
        util::Bytes chunk(SCAN_CHUNK + HEADER_SIZE);
        for (uint64_t off = from; off + HEADER_SIZE <= report.file_size;) {
            auto got = file.ReadAt(off, chunk);
            if (!got) return util::Fail(got.error());
            const size_t n = *got;
            if (n < HEADER_SIZE) break;
            // A candidate needs its whole header inside the chunk; the chunk overlaps the next
            // by HEADER_SIZE - 1 bytes so no candidate falls between two chunks.
            for (size_t i = 0; i + HEADER_SIZE <= n; ++i) {
                if (chunk[i] == m_magic[0] && header_fits_at(chunk.data() + i, off + i)) {
                    return std::optional<uint64_t>(off + i);
                }
            }
            off += n - (HEADER_SIZE - 1);
        }
        return std::optional<uint64_t>();
    };

    uint64_t pos = 0;
    util::Bytes data;
    while (report.file_size - pos >= HEADER_SIZE) {
        uint8_t header[HEADER_SIZE];
        auto got = file.ReadAt(pos, header);
        if (!got) return util::Fail(got.error());
        if (*got < HEADER_SIZE) break;  // the file shrank under us: treat as tail
        if (!header_fits_at(header, pos)) {
            auto next = find_next_header(pos + 1);
            if (!next) return util::Fail(next.error());
            if (!*next) break;  // nothing valid after: the rest is tail
            report.skipped_bytes += **next - pos;
            ++report.garbage_regions;
            pos = **next;
            continue;
        }
        const uint32_t len = GetU32LE(header + 4);
        data.resize(len);
        got = file.ReadAt(pos + HEADER_SIZE, data);
        if (!got) return util::Fail(got.error());
        if (*got != len) break;
        ++report.records;
        report.end_offset = pos + HEADER_SIZE + len;
        if (!fn(FlatFilePos{file_number, pos + HEADER_SIZE}, data)) {
            report.stopped_by_callback = true;
            break;
        }
        pos = report.end_offset;
    }
    return report;
}

Status FlatFileSeq::TruncateTo(uint32_t file, uint64_t size) {
    const std::lock_guard lock(m_mutex);
    if (file > m_file || (file == m_file && size > m_out->Size())) {
        return util::Fail(StorageError::InvalidArgument("cannot truncate " + FilePath(file).string() +
                                                        " to " + std::to_string(size) +
                                                        " bytes: beyond the end of the data"));
    }
    bool removed = false;
    if (file < m_file) {
        // Switch the handle first, so a failure below never leaves us appending to a removed
        // file.
        const uint32_t old_last = m_file;
        if (Status s = OpenForAppend(file); !s) return s;
        m_closed_sizes.erase(m_closed_sizes.lower_bound(file), m_closed_sizes.end());
        for (uint32_t f = old_last; f > file; --f) {
            if (Status s = m_env.RemoveFile(FilePath(f)); !s) return s;
            removed = true;
        }
    }
    if (Status s = m_out->Truncate(size); !s) return s;
    if (Status s = m_out->Sync(); !s) return s;
    if (removed || m_dir_dirty) {
        if (Status s = m_env.SyncDir(m_dir); !s) return s;
        m_dir_dirty = false;
    }
    return {};
}

}  // namespace tonari::storage
