{
  "targets": [
    {
      "target_name": "ipvs",
      "sources": [
        "native/netlink/attributes.cc",
        "native/netlink/message.cc",
        "native/netlink/ack.cc",
        "native/netlink/reply_reader.cc",
        "native/netlink/batch_reader.cc",
        "native/netlink/socket.cc",
        "native/netlink/netns.cc",
        "native/netlink/genl_connection.cc",
        "native/ipvs/codec.cc",
        "native/ipvs/requests.cc",
        "native/ipvs/client.cc",
        "native/ipvs/proc_file.cc",
        "native/addon/errors.cc",
        "native/addon/convert.cc",
        "native/addon/records.cc",
        "native/addon/promise_worker.cc",
        "native/addon/operation.cc",
        "native/addon/handle.cc",
        "native/addon/open.cc",
        "native/addon/read_full.cc",
        "native/addon/testing.cc",
        "native/addon/addon.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "ldflags": ["-pthread"],
      "cflags_cc": ["-std=c++17", "-pthread", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
