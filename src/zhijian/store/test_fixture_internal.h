// Private to the store tests: the two-backend fixture (tests/support/backend_fixture.h), with
// migrations off by default since these tests exercise the schema machinery itself.
#pragma once

#include "tests/support/backend_fixture.h"

namespace zhijian::store {

class BackendTest : public testing::BackendTest {
 protected:
  std::unique_ptr<Database> OpenDb(OpenOptions options = {.migrate = false}) {
    return testing::BackendTest::OpenDb(options);
  }
};

}  // namespace zhijian::store
