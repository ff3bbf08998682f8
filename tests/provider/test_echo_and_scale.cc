/* Data integrity and scale: a 10 MB echo through a link that drops 1% of the packets arrives byte-exact;
 * an IPv6 echo; 1,000 concurrent connections to one listener. Clients drv_wsk_echo / drv_wsk_many on node 0,
 * drv_wsk_server (Mode=echo) on node 1. */
#include "provider-test.h"

using namespace wsktest;

TEST(WskEcho, TenMegabytesThroughALossyLinkArriveByteExact)
{
    const std::string bytes = std::to_string(10 * 1024 * 1024);
    auto runs = RunClientServer("drv_wsk_echo", "Server=10.1.1.2;Chunk=65536;Window=262144;Bytes=" + bytes,
                                "drv_wsk_server", "Mode=echo", 900, 0.01);
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("echo_connect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("echo_stalled"), "0") << c.Text();
    EXPECT_EQ(c.Get("echo_failed"), Hex(kSuccess)) << c.Get("echo_failed_call") << "\n" << c.Text();
    EXPECT_EQ(c.Get("echo_sent"), bytes) << c.Text();
    EXPECT_EQ(c.Get("echo_received"), bytes) << c.Text();
    EXPECT_EQ(c.Get("echo_bad"), "0") << "first bad offset " << c.Get("echo_first_bad") << "\n" << c.Text();
    EXPECT_EQ(c.Get("echo_verified"), "1") << c.Text();
    EXPECT_EQ(c.Get("echo_disconnect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("echo_peer_closed"), "1") << c.Text(); // the server answered with its own FIN
    EXPECT_EQ(c.Get("echo_close"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(s.Get("server_total_disconnect_graceful"), "1") << s.Text();
    EXPECT_EQ(s.Get("server_total_disconnect_abortive"), "0") << s.Text();
    EXPECT_EQ(s.Get("server_reply_disconnect"), Hex(kSuccess)) << s.Text();
    EXPECT_EQ(s.Get("server_rx_bytes"), bytes) << s.Text();
    EXPECT_EQ(s.Get("server_tx_bytes"), bytes) << s.Text();
    EXPECT_EQ(s.Get("server_send_failures"), "0") << s.Text();
    std::cout << "10 MB echo with 1% loss: " << c.Get("echo_elapsed_us") << " us simulated" << std::endl;
}

TEST(WskEcho, Ipv6EchoArrivesByteExact)
{
    auto runs = RunClientServer("drv_wsk_echo", "Server=2001:db8::2;Bytes=300000;Chunk=16384", "drv_wsk_server",
                                "Mode=echo;Family=6");
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(s.Get("server_family"), "6") << s.Text();
    EXPECT_EQ(c.Get("echo_connect"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("echo_received"), "300000") << c.Text();
    EXPECT_EQ(c.Get("echo_verified"), "1") << c.Text();
}

TEST(WskScale, ThousandConcurrentConnectionsToOneListener)
{
    auto runs = RunClientServer("drv_wsk_many", "Server=10.1.1.2;Connections=1000;Bytes=64", "drv_wsk_server",
                                "Mode=echo;Quiet=1", 300);
    const DriverRun& c = runs.at(0);
    const DriverRun& s = runs.at(1);
    ASSERT_EQ(c.Get("done"), "1") << c.Text() << s.Text();
    ExpectClean(c);
    ExpectClean(s);
    EXPECT_EQ(c.Get("many_static"), Hex(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("many_created"), "1000") << c.Text();
    EXPECT_EQ(c.Get("many_connected"), "1000") << c.Get("many_first_connect_failure") << "\n" << c.Text();
    EXPECT_EQ(c.Get("many_connect_failed"), "0") << c.Text();
    EXPECT_EQ(c.Get("many_echoed"), "1000") << c.Text();
    EXPECT_EQ(c.Get("many_verified"), "1000") << c.Text();
    EXPECT_EQ(c.Get("many_send_failed"), "0") << c.Text();
    EXPECT_EQ(c.Get("many_unexpected_disconnects"), "0") << c.Text();
    EXPECT_EQ(c.Get("many_closed"), "1000") << c.Text();
    EXPECT_EQ(c.Get("many_close_failed"), "0") << c.Text();
    // the listener accepted all of them, and all were open at the same time
    EXPECT_EQ(s.Get("server_accepted"), "1000") << s.Text();
    EXPECT_EQ(s.Get("server_max_live"), "1000") << s.Text();
    EXPECT_EQ(s.Get("server_rx_bytes"), "64000") << s.Text();
}
