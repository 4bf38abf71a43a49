#include "zhijian/ledger/publisher.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/backend_fixture.h"
#include "zhijian/ledger/test_support_internal.h"

namespace zhijian::ledger {
namespace {

using std::chrono::milliseconds;

class PublisherTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    log_ = std::move(*LogStore::Open(*db_));
    signer_ = std::move(*NewNoteSigner(testing::TestKey().signer_key));
  }
  void Append(size_t n) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    std::vector<std::string> entries(n, "e");
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      ZJ_ASSIGN_OR_RETURN(LogHead head, log_->LockHead(tx));
      ZJ_TRY(log_->Append(tx, head, entries));
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  // The size of the checkpoint a Tick published, or -1 for none.
  int64_t TickSize(CheckpointPublisher& p) {
    auto r = p.Tick();
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() && r->has_value() ? static_cast<int64_t>((*r)->size) : -1;
  }

  FakeClock clock_{FromUnixMillis(1'767'225'600'000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<LogStore> log_;
  std::unique_ptr<NoteSigner> signer_;
};

TEST_P(PublisherTest, EveryNEntriesOrTMillisecondsWhicheverFirst) {
  PublisherOptions o;
  o.every_entries = 10;
  o.every = milliseconds(1000);
  CheckpointPublisher p(*log_, *signer_, clock_, o);
  EXPECT_EQ(TickSize(p), 0);   // no checkpoint yet: publish at once, even an empty tree
  EXPECT_EQ(TickSize(p), -1);  // nothing new
  Append(4);
  EXPECT_EQ(TickSize(p), -1);  // 4 < N, first seen now
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(TickSize(p), -1);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(TickSize(p), 4);  // T elapsed
  Append(9);
  EXPECT_EQ(TickSize(p), -1);
  Append(1);
  EXPECT_EQ(TickSize(p), 14);  // N reached before T
  clock_.Advance(milliseconds(5000));
  EXPECT_EQ(TickSize(p), -1);  // time alone publishes nothing new
  // Another publisher (another process) catching up resets the pending time.
  Append(2);
  EXPECT_EQ(TickSize(p), -1);
  clock_.Advance(milliseconds(600));
  ASSERT_TRUE(log_->Publish(*signer_, clock_.Now()).ok());
  EXPECT_EQ(TickSize(p), -1);
  Append(1);
  EXPECT_EQ(TickSize(p), -1);
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(TickSize(p), -1);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(TickSize(p), 17);
}

TEST_P(PublisherTest, TheThreadPublishesWhenNotified) {
  PublisherOptions o;
  o.every_entries = 5;
  o.every = std::chrono::hours(1);  // only N can trigger (the fake clock does not move)
  o.poll = milliseconds(10000);     // so a prompt checkpoint proves the notification woke it
  std::atomic<uint64_t> last{UINT64_MAX};
  o.on_publish = [&last](const StoredCheckpoint& c) { last = c.size; };
  CheckpointPublisher p(*log_, *signer_, clock_, o);
  p.Start();
  for (int i = 0; i < 200 && last.load() != 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(last.load(), 0u);
  Append(5);
  p.Notify(5);
  for (int i = 0; i < 300 && last.load() != 5; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(last.load(), 5u);
  p.Stop();
}

ZJ_INSTANTIATE_BACKENDS(PublisherTest);

}  // namespace
}  // namespace zhijian::ledger
