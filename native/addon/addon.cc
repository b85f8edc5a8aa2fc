// Module entry: open(), readFull() and the test hooks. Context-aware, so it loads in
// worker threads too.
#include <napi.h>

#include "addon_data.h"
#include "handle.h"
#include "open.h"
#include "read_full.h"
#include "testing.h"

namespace addon {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->handle_constructor = Napi::Persistent(Handle::Define(env));
  env.SetInstanceData(data);

  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("readFull", Napi::Function::New<ReadFull>(env, "readFull"));
  Napi::Object testing = Napi::Object::New(env);
  testing.Set("encodeRequest", Napi::Function::New<EncodeRequest>(env, "encodeRequest"));
  testing.Set("decodeReply", Napi::Function::New<DecodeReply>(env, "decodeReply"));
  testing.Set("encodeBatch", Napi::Function::New<EncodeBatch>(env, "encodeBatch"));
  exports.Set("testing", testing);
  return exports;
}

}  // namespace addon

static Napi::Object InitIpvs(Napi::Env env, Napi::Object exports) { return addon::Init(env, exports); }

NODE_API_MODULE(ipvs, InitIpvs)
