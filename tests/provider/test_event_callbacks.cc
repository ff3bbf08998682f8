/* Connection-socket event callbacks (wsk-api.md §4.4, §6.2, §6.4, §8.3, §8.6): SO_WSK_EVENT_CALLBACK rules,
 * static callbacks, retained indications released later, STATUS_DATA_NOT_ACCEPTED flow control.
 * Client: drv_wsk_events on node 0; peer: drv_wsk_server in source mode on node 1, which sends the test
 * pattern and, for the listener-inherited events, reports what it saw. */
#include "provider-test.h"

using namespace wsktest;

TEST(WskEventCallbacks, SeveralEnabledAtOnceDisabledOneAtATime)
{
    auto runs = RunClientServer("drv_wsk_events", "Case=callbacks;Bytes=20000",
                                "drv_wsk_server",
                                "Mode=source;Bytes=20000;Chunk=2000;DelayMs=300;After=close;AfterDelayMs=100");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    // the two refused requests are diagnosed beside their status
    ExpectClean(c, {"SO_WSK_EVENT_CALLBACK", "SO_WSK_EVENT_CALLBACK"});
    ExpectClean(s);
    // enabling on a connection socket before it is connected (§6.4: undocumented; recommended status)
    EXPECT_EQ(c.Get("enable_before_connect"), Hex(kInvalidDeviceState)) << c.Text();
    EXPECT_EQ(c.Get("connect0"), Hex(kSuccess)) << c.Text();
    // several events in one call
    EXPECT_EQ(c.Get("enable_two"), Hex(kSuccess)) << c.Text();
    // a disable names exactly one event (§6.4: undocumented; recommended status) ...
    EXPECT_EQ(c.Get("disable_two"), Hex(kInvalidParameter)) << c.Text();
    // ... and the refused request changed nothing: both callbacks fire
    EXPECT_EQ(s.Get("server_sent"), "20000") << s.Text();
    EXPECT_EQ(c.Get("rx_bytes"), "20000") << c.Text();
    EXPECT_EQ(c.Get("rx_bad"), "0") << c.Text();
    EXPECT_GE(c.Int("rx_events"), 1) << c.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("disconnect_flags"), "0x0") << "a graceful disconnect has no WSK_FLAG_ABORTIVE\n" << c.Text();
    // one event per disable, with an IRP: completes with success (perhaps after STATUS_PENDING)
    EXPECT_EQ(c.Get("disable_one"), Hex(kSuccess)) << c.Text();
}

TEST(WskEventCallbacks, StaticCallbacksOnEverySocketAndPermanent)
{
    auto runs = RunClientServer("drv_wsk_events", "Case=static;Bytes=20000;Connections=2",
                                "drv_wsk_server",
                                "Mode=source;Bytes=20000;Chunk=4000;DelayMs=300;After=close;AfterDelayMs=200");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    // the late WSK_SET_STATIC_EVENT_CALLBACKS and the two refused SO_WSK_EVENT_CALLBACK requests
    ExpectClean(c, {"WSK_SET_STATIC_EVENT_CALLBACKS", "SO_WSK_EVENT_CALLBACK", "SO_WSK_EVENT_CALLBACK"});
    ExpectClean(s);
    EXPECT_EQ(c.Get("static_set"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("connect0"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("connect1"), Hex(kSuccess)) << c.Text();
    // after the first socket (§6.3/§6.4, recommended status)
    EXPECT_EQ(c.Get("static_after_socket"), Hex(kInvalidDeviceState)) << c.Text();
    // a static event can be neither disabled nor enabled again
    EXPECT_EQ(c.Get("static_disable"), Hex(kInvalidParameter)) << c.Text();
    EXPECT_EQ(c.Get("static_reenable"), Hex(kInvalidParameter)) << c.Text();
    // other events are still per socket
    EXPECT_EQ(c.Get("enable_nonstatic"), Hex(kSuccess)) << c.Text();
    // every new socket receives through WskReceiveEvent without SO_WSK_EVENT_CALLBACK; the refused
    // disable left it on
    EXPECT_EQ(c.Get("static_rx_bytes0"), "20000") << c.Text();
    EXPECT_EQ(c.Get("static_rx_bytes1"), "20000") << c.Text();
    EXPECT_EQ(c.Get("static_sockets_with_rx"), "2") << c.Text();
    EXPECT_EQ(c.Get("static_rx_bad"), "0") << c.Text();
    EXPECT_EQ(c.Get("nonstatic_disconnect_events"), "1") << c.Text();
}

TEST(WskEventCallbacks, RetainedIndicationsReleasedLaterLoseAndDuplicateNothing)
{
    const char* bytes = "1048576";
    auto runs = RunClientServer("drv_wsk_events", std::string("Case=retain;HoldMs=20;Bytes=") + bytes,
                                "drv_wsk_server",
                                std::string("Mode=source;Chunk=65536;After=close;Bytes=") + bytes, 60);
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("enable"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(s.Get("server_sent"), bytes) << s.Text();
    // every byte exactly once and in order (STATUS_PENDING = all bytes consumed, §4.4)
    EXPECT_EQ(c.Get("retain_rx_bytes"), bytes) << c.Text();
    EXPECT_EQ(c.Get("retain_rx_bad"), "0") << c.Text();
    // the buffers stayed intact until WskRelease, and every release succeeded
    EXPECT_EQ(c.Get("retain_corrupted_before_release"), "0") << c.Text();
    EXPECT_EQ(c.Get("retain_release_failures"), "0") << c.Text();
    EXPECT_GE(c.Int("retain_lists"), 1) << c.Text();
    EXPECT_GE(c.Int("retain_max_lists"), 1) << c.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("disconnect_flags"), "0x0") << c.Text();
}

TEST(WskEventCallbacks, DataNotAcceptedStopsIndicationsUntilAReceiveCompletes)
{
    auto runs = RunClientServer("drv_wsk_events", "Case=notaccepted;PauseMs=200;Bytes=30000",
                                "drv_wsk_server", "Mode=source;Bytes=30000;Chunk=1000;IntervalMs=20;After=close");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("enable"), Hex(kSuccess)) << c.Text();
    EXPECT_GE(c.Int("na_refused_bytes"), 1) << c.Text();
    // while the server kept sending for 200 ms, no indication
    EXPECT_EQ(c.Get("na_events_during_pause"), "0") << c.Text();
    // the WskReceive gets the refused bytes (nothing was lost) ...
    EXPECT_EQ(c.Get("na_receive"), Hex(kSuccess)) << c.Text();
    EXPECT_GE(c.Int("na_receive_bytes"), 1) << c.Text();
    EXPECT_EQ(c.Get("na_receive_offset"), "0") << c.Text();
    EXPECT_EQ(c.Get("na_receive_bad"), "0") << c.Text();
    // ... and indications resume after it completed, with the rest of the stream
    EXPECT_GE(c.Int("na_events_after_pause"), 1) << c.Text();
    EXPECT_EQ(c.Get("na_total"), "30000") << c.Text();
    EXPECT_EQ(c.Get("na_bad"), "0") << c.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
}
