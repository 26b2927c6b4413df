# The shared state table of appflow-gitops (`--state dynamodb://TABLE`, docs/state.md): the same
# table `appflow-gitops state init` creates, plus point-in-time recovery and deletion protection.
variable "state_table_name" {
  type    = string
  default = "appflow-gitops-state"
}

resource "aws_dynamodb_table" "appflow_gitops_state" {
  name                        = var.state_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = {
    app = "appflow-gitops"
  }
}

output "state_table_arn" {
  value = aws_dynamodb_table.appflow_gitops_state.arn
}
