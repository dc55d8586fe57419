# syntax=docker/dockerfile:1
# Multi-stage: build a static binary, ship it alone on distroless (CA certificates, non-root).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The version `arrakis version` and the logs report, stamped into the binary (.git is not in
# the build context): docker build --build-arg VERSION=$(git describe --tags --always --dirty).
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/arrakis ./cmd/arrakis \
 && mkdir -p /out/empty-data-dir

# distroless/static: CA certificates and tzdata, no shell; user 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/arrakis /arrakis
# Embedded state (deployment history without S3) lives in the volume.
ENV ARRAKIS_DATA_DIR=/data
COPY --from=build --chown=65532:65532 /out/empty-data-dir /data
VOLUME /data
USER 65532:65532
EXPOSE 8080
# The image has no shell or curl: the binary asks its own /readyz on http.listen.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/arrakis", "healthcheck"]
ENTRYPOINT ["/arrakis"]
CMD ["serve"]
