#pragma once

#include <cerrno>
#include <cstdint>
#include <deque>
#include <mutex>
#include <sys/eventfd.h>
#include <unistd.h>

namespace timeguard {

// A queue from the intake thread to the reporter thread. push() never blocks on the consumer:
// the intake must keep reading auditd's pipe. The consumer polls fd() and then drains.
template <typename Item>
class EventQueue {
 public:
  EventQueue() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~EventQueue() {
    if (fd_ >= 0) close(fd_);
  }
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  void push(Item item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
    }
    const std::uint64_t one = 1;
    // EAGAIN means the counter is already non-zero, so the consumer will wake anyway.
    [[maybe_unused]] ssize_t written = write(fd_, &one, sizeof one);
  }

  // Moves out everything queued so far and clears the wake-up counter.
  std::deque<Item> drain() {
    std::uint64_t count = 0;
    [[maybe_unused]] ssize_t got = read(fd_, &count, sizeof count);
    std::lock_guard<std::mutex> lock(mutex_);
    std::deque<Item> out;
    out.swap(items_);
    return out;
  }

 private:
  int fd_;
  std::mutex mutex_;
  std::deque<Item> items_;
};

}  // namespace timeguard
