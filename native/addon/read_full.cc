#include "read_full.h"

#include <optional>

#include "../ipvs/proc_file.h"
#include "../netlink/error.h"
#include "convert.h"
#include "errors.h"

namespace addon {

namespace {

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, int fd, Napi::Buffer<uint8_t> buffer)
      : Napi::AsyncWorker(env, "ipvs.readFull"),
        fd_(fd),
        data_(buffer.Data()),
        len_(buffer.Length()),
        keep_(Napi::Persistent(buffer)),  // the memory stays put until we settle
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 private:
  void Execute() override {
    try {
      got_ = ipvs::ReadFull(fd_, data_, len_);
    } catch (const nl::Error& e) {
      error_ = e;
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(got_))); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(error_ ? MakeError(Env(), *error_).Value() : e.Value()); }

  int fd_;
  uint8_t* data_;
  size_t len_;
  size_t got_ = 0;
  Napi::Reference<Napi::Buffer<uint8_t>> keep_;
  Napi::Promise::Deferred deferred_;
  std::optional<nl::Error> error_;
};

}  // namespace

Napi::Value ReadFull(const Napi::CallbackInfo& info) {
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(info.Env(), "readFull(fd, buffer): buffer must be a Buffer");
  const int fd = static_cast<int>(ToUint32(info[0], "fd"));
  auto* worker = new ReadWorker(info.Env(), fd, info[1].As<Napi::Buffer<uint8_t>>());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace addon
