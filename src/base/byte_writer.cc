#include "base/byte_writer.h"

#include <unistd.h>

#include "base/assert.h"

namespace gregor {

std::vector<uint8_t> ByteWriter::flatten() {
  std::vector<uint8_t> out;
  out.reserve(size());
  for (const auto& seg : segments()) {
    if (seg.external < 0) {
      out.insert(out.end(), buf_.begin() + static_cast<ptrdiff_t>(seg.begin),
                 buf_.begin() + static_cast<ptrdiff_t>(seg.end));
      continue;
    }
    const ExternalChunk& c = externals_[static_cast<size_t>(seg.external)];
    if (c.fd < 0) {
      out.insert(out.end(), c.data, c.data + c.size);
      continue;
    }
    size_t start = out.size();
    out.resize(start + c.size);
    size_t done = 0;
    while (done < c.size) {
      ssize_t n = ::pread(c.fd, out.data() + start + done, c.size - done,
                          static_cast<off_t>(c.file_offset + static_cast<int64_t>(done)));
      GREGOR_ASSERT(n > 0, "short pread while flattening a file chunk");
      done += static_cast<size_t>(n);
    }
  }
  return out;
}

}  // namespace gregor
