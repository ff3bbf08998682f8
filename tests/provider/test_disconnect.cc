/* Disconnects (wsk-api.md §4.4, §8.3, §8.4): what the peer's WskDisconnectEvent says (WSK_FLAG_ABORTIVE or
 * not) and how a pending WskReceive ends. Client: drv_wsk_disconnect on node 0; peer: drv_wsk_server on
 * node 1, whose accepted sockets inherit WSK_EVENT_DISCONNECT from its listener. */
#include "provider-test.h"

using namespace wsktest;

TEST(WskDisconnect, AbortiveDisconnectGivesThePeerTheAbortiveFlag)
{
    auto runs = RunClientServer("drv_wsk_disconnect", "Case=abort", "drv_wsk_server", "Mode=echo");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("connect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("client_abort"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("client_abort_information"), "0") << c.Text();
    ASSERT_EQ(s.Count("server_disconnect_abortive"), 1u) << s.Text();
    EXPECT_EQ(s.Get("server_disconnect_abortive"), "1") << s.Text();
    EXPECT_EQ(s.Get("server_disconnect_flags"), "0x1") << s.Text(); // WSK_FLAG_ABORTIVE only
    EXPECT_EQ(s.Get("server_total_disconnect_abortive"), "1") << s.Text();
    EXPECT_EQ(s.Get("server_total_disconnect_graceful"), "0") << s.Text();
}

TEST(WskDisconnect, GracefulDisconnectGivesFlagsZeroAndEndsThePendingReceive)
{
    auto runs = RunClientServer("drv_wsk_disconnect", "Case=graceful", "drv_wsk_server", "Mode=echo");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("connect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("enable_disconnect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("receive_returned"), Hex(kPending)) << "nothing to receive yet\n" << c.Text();
    EXPECT_EQ(c.Get("client_disconnect"), Hex(kSuccess)) << c.Text();
    // the server saw a graceful disconnect (no flag) and answered with its own
    ASSERT_EQ(s.Count("server_disconnect_abortive"), 1u) << s.Text();
    EXPECT_EQ(s.Get("server_disconnect_abortive"), "0") << s.Text();
    EXPECT_EQ(s.Get("server_disconnect_flags"), "0x0") << s.Text();
    EXPECT_EQ(s.Get("server_reply_disconnect"), Hex(kSuccess)) << s.Text();
    // which ends the client's pending receive with success and 0 bytes (§8.1.7, §8.3) and raises a
    // graceful WskDisconnectEvent on the client
    EXPECT_EQ(c.Get("receive"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("receive_bytes"), "0") << c.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("disconnect_abortive"), "0") << c.Text();
}

TEST(WskDisconnect, PeerGracefulDisconnectCompletesPendingReceiveWithZeroBytes)
{
    auto runs = RunClientServer("drv_wsk_disconnect", "Case=peer_graceful", "drv_wsk_server",
                                "Mode=source;Bytes=0;After=close;AfterDelayMs=300");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(s.Get("server_local_disconnect"), Hex(kSuccess)) << s.Text();
    EXPECT_EQ(s.Get("server_local_disconnect_abortive"), "0") << s.Text();
    EXPECT_EQ(c.Get("receive_returned"), Hex(kPending)) << c.Text();
    EXPECT_EQ(c.Get("receive"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("receive_bytes"), "0") << c.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("disconnect_flags"), "0x0") << c.Text();
    EXPECT_EQ(c.Get("disconnect_abortive"), "0") << c.Text();
    // after a graceful peer close the local side may still send and disconnect its own half (§8.4)
    EXPECT_EQ(c.Get("client_disconnect_after_peer"), Hex(kSuccess)) << c.Text();
}

TEST(WskDisconnect, PeerAbortiveDisconnectGivesTheAbortiveFlag)
{
    auto runs = RunClientServer("drv_wsk_disconnect", "Case=peer_abort", "drv_wsk_server",
                                "Mode=source;Bytes=0;After=abort;AfterDelayMs=300");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(s.Get("server_local_disconnect"), Hex(kSuccess)) << s.Text();
    EXPECT_EQ(s.Get("server_local_disconnect_abortive"), "1") << s.Text();
    EXPECT_EQ(c.Get("disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("disconnect_abortive"), "1") << c.Text();
    // no more receives after a reset: the pending receive fails (it does not report a graceful 0-byte end)
    uint32_t receive = static_cast<uint32_t>(c.Int("receive"));
    EXPECT_TRUE(c.Has("receive")) << c.Text();
    EXPECT_GE(receive, 0xC0000000u) << "pending WskReceive after an abortive peer disconnect\n" << c.Text();
}
