"""deploy/k8s, rendered offline and checked against the Kubernetes schemas and what the platform needs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
from applications.config import ApplicationsSettings
from credentials.config import CredentialsSettings
from endorsement_contracts import partition_counts
from gateway.config import GatewaySettings
from notifications.config import NotificationsSettings
from portal.config import PortalSettings
from pydantic_settings import BaseSettings
from reviews.config import ReviewsSettings

from .kustomize_lite import Resource, containers, pod_spec, render

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUSTOMIZATIONS = ("base", "kafka", "overlays/production")
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")  # the oldest still maintained by the big providers, and the newest
SETTINGS: dict[str, type[BaseSettings]] = {
    "applications": ApplicationsSettings, "reviews": ReviewsSettings, "credentials": CredentialsSettings,
    "notifications": NotificationsSettings, "gateway": GatewaySettings, "portal": PortalSettings,
}
KAFKA_CLIENTS = ("applications", "reviews", "credentials", "notifications", "gateway")


@cache
def rendered(kustomization: str = "overlays/production") -> tuple[Resource, ...]:
    return tuple(render(K8S / kustomization))


def objects(kind: str) -> dict[str, Resource]:
    return {o["metadata"]["name"]: o for o in rendered() if o["kind"] == kind}


def deployment(service: str) -> Resource:
    return objects("Deployment")[service]


def main_container(service: str) -> dict[str, Any]:
    spec = pod_spec(deployment(service))
    assert spec is not None
    container: dict[str, Any] = spec["containers"][0]
    return container


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container.get("env", [])}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_every_object_is_valid_against_the_kubernetes_schemas(kustomization: str, version: str) -> None:
    problems = []
    for obj in rendered(kustomization):
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{obj['kind']}/{obj['metadata']['name']}: {'.'.join(map(str, error.path))}: "
                            f"{error.message}")
    assert problems == []


def test_every_service_runs_two_or_more_replicas_behind_a_service() -> None:
    services = objects("Service")
    for name in SETTINGS:
        assert deployment(name)["spec"]["replicas"] >= 2, name
        port = int(env_of(main_container(name))["PORT"]["value"])
        assert main_container(name)["ports"] == [{"name": "http", "containerPort": port}]
        assert services[name]["spec"]["ports"][0]["targetPort"] == "http"
        assert services[name]["spec"]["selector"] == deployment(name)["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("service", SETTINGS)
def test_liveness_and_readiness_probe_the_health_endpoints(service: str) -> None:
    prefix = "/portal" if service == "portal" else ""
    container = main_container(service)
    assert container["livenessProbe"]["httpGet"] == {"path": f"{prefix}/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": f"{prefix}/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == f"{prefix}/livez"


def test_every_container_has_resource_requests_and_memory_limits() -> None:
    for obj in rendered():
        for container in containers(obj):
            resources = container.get("resources", {})
            assert {"cpu", "memory"} <= resources.get("requests", {}).keys(), container["name"]
            assert "memory" in resources.get("limits", {}), container["name"]


def test_a_disruption_budget_keeps_every_replicated_workload_serving() -> None:
    budgets = list(objects("PodDisruptionBudget").values())
    workloads = [*objects("Deployment").values(), *objects("StatefulSet").values()]
    for workload in workloads:
        labels = workload["spec"]["template"]["metadata"]["labels"]
        selecting = [b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(selecting) == 1, workload["metadata"]["name"]
        assert selecting[0]["spec"] == {"maxUnavailable": 1, "selector": selecting[0]["spec"]["selector"]}
        assert workload["spec"]["replicas"] >= 2


def test_replicas_spread_over_nodes() -> None:
    for workload in [*objects("Deployment").values(), *objects("StatefulSet").values()]:
        spec = pod_spec(workload)
        assert spec is not None
        keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
        assert "kubernetes.io/hostname" in keys, workload["metadata"]["name"]


def test_pods_meet_the_restricted_pod_security_standard() -> None:
    namespace = objects("Namespace")["endorsement"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in rendered():
        spec = pod_spec(obj)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False
        for container in containers(obj):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            # only the Kafka image writes its own configuration at start
            assert context["readOnlyRootFilesystem"] is (obj["metadata"]["name"] != "kafka"), container["name"]


@pytest.mark.parametrize("service", SETTINGS)
def test_environment_variables_are_settings_the_service_reads(service: str) -> None:
    fields = SETTINGS[service].model_fields
    env = env_of(main_container(service))
    assert env.keys() <= {name.upper() for name in fields}, "a variable the service would ignore"
    required = {name.upper() for name, field in fields.items() if field.is_required()}
    assert required <= env.keys(), f"{service} would refuse to start"


def test_secret_settings_come_from_secrets_and_no_secret_is_committed() -> None:
    assert not [o for o in rendered() if o["kind"] == "Secret"]
    for service, settings in SETTINGS.items():
        secret_names = {n.upper() for n, f in settings.model_fields.items() if "Secret" in str(f.annotation)}
        secret_names |= {"DATABASE_URL", "SMTP_URL"}  # both may carry a password
        for name, entry in env_of(main_container(service)).items():
            if name in secret_names:
                assert "secretKeyRef" in entry.get("valueFrom", {}), f"{service}: {name} is not from a Secret"


def test_config_references_resolve_and_secret_keys_are_documented() -> None:
    config_maps = objects("ConfigMap")
    guide = (ROOT / "docs" / "scaling-out.md").read_text()
    for obj in rendered():
        for container in containers(obj):
            for entry in container.get("env", []):
                source = entry.get("valueFrom", {})
                if "configMapKeyRef" in source:
                    ref = source["configMapKeyRef"]
                    assert ref["key"] in config_maps[ref["name"]]["data"], ref
                if "secretKeyRef" in source:
                    ref = source["secretKeyRef"]
                    row = re.search(rf"^\| `{ref['name']}` \|.*`{ref['key']}`", guide, re.MULTILINE)
                    assert row, f"docs/scaling-out.md does not list {ref['name']}/{ref['key']}"


def test_services_find_each_other_and_kafka_by_service_name() -> None:
    ports = {name: objects("Service")[name]["spec"]["ports"][0]["port"] for name in SETTINGS}
    gateway = env_of(main_container("gateway"))
    for upstream in ("applications", "reviews", "credentials", "notifications", "portal"):
        assert gateway[f"{upstream.upper()}_URL"]["value"] == f"http://{upstream}:{ports[upstream]}"
    assert env_of(main_container("portal"))["GATEWAY_URL"]["value"] == f"http://gateway:{ports['gateway']}"
    brokers = objects("ConfigMap")["endorsement-config"]["data"]["KAFKA_BOOTSTRAP_SERVERS"].split(",")
    assert brokers == [f"kafka-{n}.kafka-headless:9092" for n in range(3)]
    for service in KAFKA_CLIENTS:
        init = pod_spec(deployment(service))["initContainers"]  # type: ignore[index]
        assert [c["name"] for c in init] == ["wait-for-topics"], "a service must not create topics itself"


def test_topics_get_replication_factor_3_on_three_kraft_brokers() -> None:
    kafka = objects("StatefulSet")["kafka"]
    assert kafka["spec"]["replicas"] == 3
    kafka_env = env_of(kafka["spec"]["template"]["spec"]["containers"][0])
    assert kafka_env["KAFKA_PROCESS_ROLES"]["value"] == "broker,controller"  # KRaft: no ZooKeeper
    voters = objects("ConfigMap")["kafka-cluster"]["data"]["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert voters.split(",") == [f"{n}@kafka-{n}.kafka-headless:9093" for n in range(3)]
    for setting, value in {"KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false", "KAFKA_DEFAULT_REPLICATION_FACTOR": "3",
                           "KAFKA_MIN_INSYNC_REPLICAS": "2", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "3"}.items():
        assert kafka_env[setting]["value"] == value
    job_env = env_of(objects("Job")["create-topics"]["spec"]["template"]["spec"]["containers"][0])
    assert job_env["REPLICATION_FACTOR"]["value"] == "3"
    assert job_env["MIN_INSYNC_REPLICAS"]["value"] == "2"
    script = objects("ConfigMap")["topic-scripts"]["data"]["create-topics.sh"]
    assert '--replication-factor "$REPLICATION_FACTOR"' in script
    assert '--config "min.insync.replicas=$MIN_INSYNC_REPLICAS"' in script
    declared = {name: int(count) for name, count in re.findall(r"(endorsement\.[a-z.]+v\d+):(\d+)", script)}
    assert declared == partition_counts()


def test_only_the_gateway_is_exposed_at_the_public_base_url() -> None:
    ingresses = list(objects("Ingress").values())
    assert len(ingresses) == 1
    rule = ingresses[0]["spec"]["rules"][0]
    backends = {path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert backends == {"gateway"}
    public = urlsplit(objects("ConfigMap")["endorsement-config"]["data"]["PUBLIC_BASE_URL"])
    assert (public.scheme, public.hostname) == ("https", rule["host"])
    assert ingresses[0]["spec"]["tls"][0]["hosts"] == [rule["host"]]
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in objects("Service").values())


def test_production_images_come_from_one_registry_with_a_pinned_tag() -> None:
    for service in SETTINGS:
        for container in containers(deployment(service)):
            assert re.fullmatch(rf"registry\.example\.org/endorsement/{service}:\d+\.\d+\.\d+", container["image"])


def test_the_portal_takes_traffic_from_the_gateway_only_and_the_services_from_the_gateway_and_each_other() -> None:
    """Services also call each other's `POST /internal/unseal` (docs/erasure.md, the one synchronous call)."""
    policies = list(objects("NetworkPolicy").values())
    gateway = {"matchLabels": {"app.kubernetes.io/name": "gateway"}}
    services = {"matchLabels": {"app.kubernetes.io/component": "service"}}
    for name, allowed in (("applications", [gateway, services]), ("reviews", [gateway, services]),
                          ("credentials", [gateway, services]), ("notifications", [gateway, services]),
                          ("portal", [gateway])):
        labels = deployment(name)["spec"]["template"]["metadata"]["labels"]
        applying = [p for p in policies if _selects(p["spec"]["podSelector"], labels)]
        assert len(applying) == 1, name
        sources = [peer["podSelector"] for rule in applying[0]["spec"]["ingress"] for peer in rule["from"]]
        assert sources == allowed, name
        assert _selects(services, labels) == (name != "portal"), "the portal is never a peer of the services"
    gateway_labels = deployment("gateway")["spec"]["template"]["metadata"]["labels"]
    assert not [p for p in policies if _selects(p["spec"]["podSelector"], gateway_labels)], "the Ingress reaches it"


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Kubernetes label-selector semantics for matchLabels and `In` expressions (all this tree uses)."""
    matched = selector.get("matchLabels", {}).items() <= labels.items()
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        matched = matched and labels.get(expression["key"]) in expression["values"]
    return matched
