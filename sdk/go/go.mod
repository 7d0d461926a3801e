module github.com/mittr/mittr/sdk/go

go 1.21
