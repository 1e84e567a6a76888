"""Render a kustomization offline, in pure Python: only the kustomize features deploy/k8s uses.

`kubectl kustomize` is not installed on these machines and nothing may be downloaded, so this applies, in
kustomize's order: resources (files and directories), configMapGenerator (files, no name hash), inline JSON 6902
patches, namespace, labels (metadata only), images and replicas. Any other field raises, so a
kustomization never relies on a feature this renderer would silently skip.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "configMapGenerator", "generatorOptions", "namespace", "labels",
             "images", "replicas", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "StorageClass"}
POD_OWNERS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}


class UnsupportedKustomization(ValueError):
    """The kustomization uses something this renderer does not implement."""


def render(directory: Path) -> list[Resource]:
    """Every object `kubectl kustomize <directory>` would print (for the features listed above)."""
    spec: dict[str, Any] = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise UnsupportedKustomization(f"{directory}: {sorted(unknown)}")
    objects: list[Resource] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        objects += render(path) if path.is_dir() else [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    objects += _generated_config_maps(directory, spec)
    for patch in spec.get("patches", []):
        _apply_patch(objects, patch)
    for obj in objects:
        _set_namespace(obj, spec.get("namespace"))
        for label in spec.get("labels", []):
            if label.get("includeSelectors") or label.get("includeTemplates"):
                raise UnsupportedKustomization("labels with includeSelectors/includeTemplates")
            obj.setdefault("metadata", {}).setdefault("labels", {}).update(label["pairs"])
        _set_images(obj, spec.get("images", []))
        _set_replicas(obj, spec.get("replicas", []))
    return objects


def _generated_config_maps(directory: Path, spec: dict[str, Any]) -> list[Resource]:
    generators = spec.get("configMapGenerator", [])
    if generators and not spec.get("generatorOptions", {}).get("disableNameSuffixHash"):
        raise UnsupportedKustomization("configMapGenerator with name hashes")
    maps = []
    for generator in generators:
        if set(generator) - {"name", "files"}:
            raise UnsupportedKustomization(f"configMapGenerator fields {sorted(generator)}")
        data = {Path(file).name: (directory / file).read_text() for file in generator["files"]}
        maps.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": generator["name"]}, "data": data})
    return maps


def _set_namespace(obj: Resource, namespace: str | None) -> None:
    if namespace and obj["kind"] not in CLUSTER_SCOPED:
        obj["metadata"]["namespace"] = namespace


def pod_spec(obj: Resource) -> dict[str, Any] | None:
    """The pod template's spec of a workload, or None."""
    if obj["kind"] not in POD_OWNERS:
        return None
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def containers(obj: Resource) -> list[dict[str, Any]]:
    spec = pod_spec(obj)
    return [] if spec is None else [*spec.get("initContainers", []), *spec["containers"]]


def _set_images(obj: Resource, images: list[dict[str, str]]) -> None:
    for container in containers(obj):
        name, _, tag = container["image"].partition(":")
        for image in images:
            if image["name"] == name:
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag or 'latest')}"


def _set_replicas(obj: Resource, replicas: list[dict[str, Any]]) -> None:
    for entry in replicas:
        if obj["kind"] in {"Deployment", "StatefulSet"} and obj["metadata"]["name"] == entry["name"]:
            obj["spec"]["replicas"] = entry["count"]


def _apply_patch(objects: list[Resource], patch: dict[str, Any]) -> None:
    target = patch["target"]
    matches = [o for o in objects if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]]
    if set(patch) != {"target", "patch"} or len(matches) != 1:
        raise UnsupportedKustomization(f"patch {patch!r} (inline JSON 6902 on exactly one object only)")
    for operation in yaml.safe_load(patch["patch"]):
        _apply_operation(matches[0], operation)


def _apply_operation(obj: Resource, operation: dict[str, Any]) -> None:
    *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in operation["path"].split("/")[1:]]
    node: Any = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    op, value = operation["op"], copy.deepcopy(operation.get("value"))
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if op == "add":
            node.insert(index, value)
        elif op == "replace":
            node[index] = value
        elif op == "remove":
            del node[index]
        else:
            raise UnsupportedKustomization(f"JSON patch op {op}")
    elif op in {"add", "replace"}:
        if op == "replace" and last not in node:
            raise KeyError(f"replace of missing {operation['path']}")
        node[last] = value
    elif op == "remove":
        del node[last]
    else:
        raise UnsupportedKustomization(f"JSON patch op {op}")
