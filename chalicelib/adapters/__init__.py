"""I/O: DynamoDB, Step Functions, SES, CloudWatch metrics."""
