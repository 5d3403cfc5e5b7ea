// notify::SendHttp and SendMail against receivers on loopback.
#include <gtest/gtest.h>

#include <thread>

#include "notify/http_client.hpp"
#include "unit/loopback_receivers.hpp"

namespace baton::notify {
namespace {

using testing_receivers::HttpReceiver;
using testing_receivers::SmtpReceiver;

TEST(HttpClient, PostsBodyHeadersAndBasicAuth) {
  HttpReceiver rx;
  HttpRequest req;
  req.url = rx.Url("/hook?x=1");
  req.headers = {{"Content-Type", "application/json"}, {"X-Custom", "v"}};
  req.body = R"({"a":1})";
  req.username = "user";
  req.password = "pa:ss";
  auto res = SendHttp(req);
  ASSERT_TRUE(res.Transported()) << res.error;
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "ok");
  EXPECT_TRUE(res.Ok());
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/hook?x=1");
  EXPECT_EQ(got[0].body, R"({"a":1})");
  EXPECT_EQ(got[0].Header("content-type"), "application/json");
  EXPECT_EQ(got[0].Header("x-custom"), "v");
  EXPECT_EQ(got[0].Header("authorization"), "Basic dXNlcjpwYTpzcw==");  // user:pa:ss
  EXPECT_EQ(got[0].Header("expect"), "");
}

TEST(HttpClient, PutAndErrorStatusesAreReportedNotTransportErrors) {
  HttpReceiver rx;
  rx.QueueStatuses({500});
  HttpRequest req;
  req.method = "PUT";
  req.url = rx.Url("/x");
  req.body = "b";
  auto res = SendHttp(req);
  EXPECT_TRUE(res.Transported());
  EXPECT_FALSE(res.Ok());
  EXPECT_EQ(res.status, 500);
  ASSERT_EQ(rx.Count(), 1u);
  EXPECT_EQ(rx.Requests()[0].method, "PUT");
  EXPECT_EQ(rx.Requests()[0].Header("authorization"), "");
}

TEST(HttpClient, ConnectionRefusedIsATransportError) {
  unsigned short port = 0;
  int fd = testing_receivers::ListenLoopback(port);
  close(fd);  // nothing listens there now
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  req.timeout_s = 5;
  auto res = SendHttp(req);
  EXPECT_FALSE(res.Transported());
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
}

TEST(HttpClient, RejectsNonHttpSchemes) {
  HttpRequest req;
  req.url = "file:///etc/passwd";
  auto res = SendHttp(req);
  EXPECT_FALSE(res.Transported());
}

TEST(HttpClient, ConcurrentRequestsFromSeveralThreads) {
  HttpReceiver rx;
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      HttpRequest req;
      req.url = rx.Url("/");
      if (SendHttp(req).Ok()) ++ok;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(rx.Count(), 4u);
}

TEST(SmtpClient, SendsOneMessageToEveryRecipient) {
  SmtpReceiver rx;
  MailRequest m;
  m.host = "127.0.0.1";
  m.port = rx.port();
  m.sender = "awx@example.com";
  m.recipients = {"a@example.com", "b@example.com"};
  m.subject = "Job #1 'x' succeeded";
  m.body = "line one\n.dot line\nlast";
  std::string err = SendMail(m);
  ASSERT_EQ(err, "");
  auto mails = rx.Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "<awx@example.com>");
  ASSERT_EQ(mails[0].rcpt.size(), 2u);
  EXPECT_EQ(mails[0].rcpt[1], "<b@example.com>");
  EXPECT_NE(mails[0].data.find("Subject: Job #1 'x' succeeded\r\n"), std::string::npos);
  EXPECT_NE(mails[0].data.find("To: a@example.com, b@example.com\r\n"), std::string::npos);
  // dot-stuffed on the wire
  EXPECT_NE(mails[0].data.find("\r\n\r\nline one\r\n..dot line\r\nlast\r\n"), std::string::npos);
}

TEST(SmtpClient, UseTlsFailsAgainstAServerWithoutStartTls) {
  SmtpReceiver rx;
  MailRequest m;
  m.host = "127.0.0.1";
  m.port = rx.port();
  m.use_tls = true;
  m.sender = "a@b.c";
  m.recipients = {"d@e.f"};
  EXPECT_NE(SendMail(m), "");
  EXPECT_TRUE(rx.Mails().empty());
}

}  // namespace
}  // namespace baton::notify
