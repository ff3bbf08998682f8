/* The seed page's three samples (../shared/seed/wsk-event-callbacks.fr.txt, compiled unchanged) behave as
 * the page says, driven by tests/seed/drv_wsk_seed.c against drv_wsk_server (source mode):
 *   - SetStaticEventCallbacks: every new connection socket gets WskReceiveEvent without SO_WSK_EVENT_CALLBACK;
 *   - EnableDisconnectAndRecieveCallbacks: both callbacks fire;
 *   - DisableDisconnectCallback: its completion routine runs with STATUS_SUCCESS, and no WskDisconnectEvent
 *     follows when the server disconnects (while a socket that only enabled does get one). */
#include "provider-test.h"

using namespace wsktest;

TEST(WskSeedSamples, BehaveAsTheSeedPageDescribes)
{
#ifndef WSK_HAVE_SEED_DRIVER
    GTEST_SKIP() << "the seed page was not found at configure time: drv_wsk_seed is not built";
#else
    auto runs = RunClientServer("drv_wsk_seed", "Server=10.1.1.2;Bytes=1000", "drv_wsk_server",
                                "Mode=source;Bytes=1000;DelayMs=100;After=close;AfterDelayMs=1500");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);

    // sample 3, static callbacks, on registration A
    EXPECT_EQ(c.Get("seed_static"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_connect_static0"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_connect_static1"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_static_sockets_with_events"), "2") << c.Text();
    EXPECT_EQ(c.Get("seed_static_sockets_complete"), "2") << c.Text();

    // sample 1, enable, on registration B: the receive callbacks fire
    EXPECT_EQ(c.Get("seed_enable_c"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_enable_d"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_enable_rx_c"), "1000") << c.Text();
    EXPECT_EQ(c.Get("seed_enable_rx_d"), "1000") << c.Text();
    EXPECT_EQ(c.Get("seed_enable_rx_bad"), "0") << c.Text();

    // sample 2, disable: returned success or pending, and the completion routine ran with STATUS_SUCCESS
    EXPECT_TRUE(c.Get("seed_disable_returned") == Hex(kSuccess) || c.Get("seed_disable_returned") == Hex(kPending))
        << c.Text();
    EXPECT_EQ(c.Get("seed_disable_completion"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_next_operations"), "1") << c.Text();
    EXPECT_EQ(c.Get("seed_errors"), "0") << c.Text();
    EXPECT_EQ(c.Get("seed_next_operation_socket_is_c"), "1") << c.Text();

    // the server disconnected (C's pending receive ended with 0 bytes) ...
    EXPECT_EQ(s.Get("server_local_disconnect"), Hex(kSuccess)) << s.Text();
    EXPECT_EQ(c.Get("seed_c_receive"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("seed_c_receive_bytes"), "0") << c.Text();
    // ... but no WskDisconnectEvent on C, while D (enabled, never disabled) got a graceful one
    EXPECT_EQ(c.Get("seed_c_disconnect_events"), "0") << c.Text();
    EXPECT_EQ(c.Get("seed_d_disconnect_events"), "1") << c.Text();
    EXPECT_EQ(c.Get("seed_d_disconnect_flags"), "0x0") << c.Text();
#endif
}
