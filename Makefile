# Build targets for `sam build` (Metadata: BuildMethod: makefile, CodeUri: . in template.yaml).
#
# SAM runs `make -f <CodeUri>/Makefile build-<LogicalId> ARTIFACTS_DIR=<dir>` from the CodeUri folder (or a scratch copy
# of it unless `build_in_source` is set, as samconfig.toml does). CodeUri is the repository root because every
# function project references the shared libraries under functions/, which a per-function copy would not carry.
#
# Each target publishes one function as a Native AOT executable named `bootstrap` (functions/Directory.Build.targets),
# checks that it needs no glibc newer than Lambda's dotnet10 runtime offers (Amazon Linux 2023, glibc 2.34), and copies
# only `bootstrap` into ARTIFACTS_DIR: the debug symbols (.dbg) stay behind, out of the deployment package.
#
# Try one target the way SAM runs it:  make build-TransformFunction ARTIFACTS_DIR=/tmp/transform

DOTNET ?= dotnet
CONFIGURATION ?= Release
RUNTIME ?= linux-x64
# The newest glibc symbol version the binary may need: the managed dotnet10 runtime runs on Amazon Linux 2023.
MAX_GLIBC ?= 2.34
# Publish folders live under the repository (ignored by git) so repeated builds reuse the incremental outputs. The
# build's bin/obj go there too (--artifacts-path), apart from the in-tree ones that `dotnet build`/`dotnet test` and
# the local stack use, so a `sam build` running beside them never races them for the same files.
PUBLISH_ROOT ?= $(CURDIR)/artifacts/sam-publish

# Where `make bootstraps` leaves the four functions as SAM would package them: <dir>/<LogicalId>/bootstrap. The tests run
# these very binaries behind a fake Runtime API (tools/test.sh builds them once per run and passes this folder on).
BOOTSTRAPS_DIR ?= $(CURDIR)/artifacts/bootstraps
FUNCTIONS := ProducerFunction TransformFunction AggregatorFunction SchemaFunction

ifneq ($(filter build-%,$(MAKECMDGOALS)),)
ifndef ARTIFACTS_DIR
$(error ARTIFACTS_DIR is not set: SAM passes it; to try a target by hand run `make build-TransformFunction ARTIFACTS_DIR=/tmp/transform`)
endif
endif

.PHONY: bootstraps build-ProducerFunction build-TransformFunction build-AggregatorFunction build-SchemaFunction

# One after another: the functions share the libraries' build outputs under PUBLISH_ROOT/build.
bootstraps:
	@for f in $(FUNCTIONS); do $(MAKE) --no-print-directory build-$$f ARTIFACTS_DIR="$(BOOTSTRAPS_DIR)/$$f" || exit 1; done

build-ProducerFunction:
	$(call publish-function,BadgeFlow.Producer)

build-TransformFunction:
	$(call publish-function,BadgeFlow.Transform)

build-AggregatorFunction:
	$(call publish-function,BadgeFlow.Aggregator)

build-SchemaFunction:
	$(call publish-function,BadgeFlow.Schema)

# $(1) = project name under functions/.
define publish-function
	rm -rf "$(PUBLISH_ROOT)/$(1)"
	$(DOTNET) publish "functions/$(1)/$(1).csproj" -c $(CONFIGURATION) -r $(RUNTIME) -o "$(PUBLISH_ROOT)/$(1)" \
	  --artifacts-path "$(PUBLISH_ROOT)/build" --nologo
	test -x "$(PUBLISH_ROOT)/$(1)/bootstrap" || { echo "error: $(1) published no executable named bootstrap" >&2; exit 1; }
	$(call check-glibc,$(PUBLISH_ROOT)/$(1)/bootstrap)
	mkdir -p "$(ARTIFACTS_DIR)"
	cp "$(PUBLISH_ROOT)/$(1)/bootstrap" "$(ARTIFACTS_DIR)/bootstrap"
endef

# Fails when the binary references a GLIBC_x.y symbol version newer than MAX_GLIBC (sort -V orders versions).
define check-glibc
	@if command -v objdump >/dev/null 2>&1; then \
	  newest=$$(objdump -T "$(1)" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1); \
	  highest=$$(printf '%s\n%s\n' "$$newest" "$(MAX_GLIBC)" | sort -V | tail -n 1); \
	  if [ -n "$$newest" ] && [ "$$highest" != "$(MAX_GLIBC)" ]; then \
	    echo "error: $(1) needs GLIBC_$$newest; Lambda's dotnet10 runtime (Amazon Linux 2023) offers $(MAX_GLIBC)" >&2; exit 1; \
	  fi; \
	  echo "glibc check: newest symbol GLIBC_$$newest <= $(MAX_GLIBC)"; \
	else \
	  echo "warning: objdump not found (binutils); skipped the glibc $(MAX_GLIBC) check of $(1)" >&2; \
	fi
endef
