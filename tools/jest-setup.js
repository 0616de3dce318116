// Nest's logger prints every warning of the flows under test; set BRIDGE_TEST_LOGS=1 to see them.
if (!process.env.BRIDGE_TEST_LOGS) {
  const { Logger } = require('@nestjs/common');
  Logger.overrideLogger(false);
}
