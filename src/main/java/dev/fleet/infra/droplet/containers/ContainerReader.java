package dev.fleet.infra.droplet.containers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.InternetProtocol;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.ImageDefaults;
import dev.fleet.observed.ImageUse;
import dev.fleet.observed.ObservedContainer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the containers of one service on a droplet: those named like the service and those that
 * claim it by fleet's label, running or not. Read-only.
 */
public final class ContainerReader {

    private static final String NEVER = "0001-01-01T00:00:00Z";
    private static final Set<String> EXITED_STATES = Set.of("exited", "dead", "restarting");

    private final DropletConnection connection;
    // One droplet often runs several containers of one image (old and new): inspect it once.
    private final Map<String, Optional<InspectImageResponse>> imagesById = new HashMap<>();

    public ContainerReader(DropletConnection connection) {
        this.connection = connection;
    }

    /** The service's containers, the one named after it first; containers removed meanwhile are left out. */
    public List<ObservedContainer> read(String service) throws DropletException {
        // Docker ANDs different filter keys, and its name filter is an unanchored regex: two exact
        // queries, merged by id.
        Set<String> ids = new LinkedHashSet<>();
        String nameFilter = "^/" + regexLiteral(service) + "$";
        for (Container container : connection.call("listing containers named " + service, docker -> docker
                .listContainersCmd().withShowAll(true).withNameFilter(List.of(nameFilter)).exec())) {
            ids.add(container.getId());
        }
        for (Container container : connection.call("listing containers labelled " + FleetLabels.SERVICE + "=" + service,
                docker -> docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(FleetLabels.SERVICE, service)).exec())) {
            ids.add(container.getId());
        }
        List<ObservedContainer> containers = new ArrayList<>();
        for (String id : ids) {
            Optional<DropletConnection.Inspected> inspected = connection.inspectContainer(id);
            if (inspected.isPresent()) {
                containers.add(observed(inspected.get()));
            }
        }
        return List.copyOf(containers);
    }

    /**
     * The containers of each of {@code services}, in their order, then any other container of the
     * fleet {@code fleet} ({@link FleetLabels#FLEET}: a service the state no longer runs here), each once.
     */
    public List<ObservedContainer> read(List<String> services, String fleet) throws DropletException {
        Map<String, ObservedContainer> byId = new LinkedHashMap<>();
        for (String service : services) {
            for (ObservedContainer container : read(service)) {
                byId.putIfAbsent(container.id(), container);
            }
        }
        for (Container container : connection.call("listing containers labelled " + FleetLabels.FLEET + "=" + fleet,
                docker -> docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(FleetLabels.FLEET, fleet)).exec())) {
            if (!byId.containsKey(container.getId())) {
                Optional<DropletConnection.Inspected> inspected = connection.inspectContainer(container.getId());
                if (inspected.isPresent()) {
                    byId.put(container.getId(), observed(inspected.get()));
                }
            }
        }
        return List.copyOf(byId.values());
    }

    /** The images of {@code repositories} (by digest or tag) on the droplet, and their size. */
    public ImageUse images(Set<String> repositories) throws DropletException {
        int count = 0;
        long bytes = 0;
        for (Image image : connection.call("listing images", docker -> docker.listImagesCmd().exec())) {
            List<String> references = new ArrayList<>();
            references.addAll(image.getRepoDigests() == null ? List.of() : List.of(image.getRepoDigests()));
            references.addAll(image.getRepoTags() == null ? List.of() : List.of(image.getRepoTags()));
            if (references.stream().anyMatch(reference -> repositories.contains(repositoryOf(reference)))) {
                count++;
                bytes += image.getSize() == null ? 0 : image.getSize();
            }
        }
        return new ImageUse(count, bytes);
    }

    /** {@code registry:5000/team/app} of {@code registry:5000/team/app@sha256:...} or {@code ...:v2}. */
    static String repositoryOf(String reference) {
        int at = reference.indexOf('@');
        if (at >= 0) {
            return reference.substring(0, at);
        }
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
    }

    private ObservedContainer observed(DropletConnection.Inspected answer) throws DropletException {
        InspectContainerResponse inspected = answer.response();
        var config = inspected.getConfig();
        var state = inspected.getState();
        String imageRef = config == null || config.getImage() == null ? "" : config.getImage();
        String imageId = inspected.getImageId() == null ? "" : inspected.getImageId();
        String status = state == null || state.getStatus() == null ? "unknown" : state.getStatus();
        Optional<Integer> exitCode = state != null && state.getExitCodeLong() != null && EXITED_STATES.contains(status)
                ? Optional.of(state.getExitCodeLong().intValue())
                : Optional.empty();
        Map<String, String> labels = config == null || config.getLabels() == null ? Map.of() : config.getLabels();
        return new ObservedContainer(
                inspected.getId(),
                stripSlash(inspected.getName()),
                digest(imageRef, imageId),
                imageId,
                imageRef,
                status,
                inspected.getRestartCount() == null ? 0 : inspected.getRestartCount(),
                exitCode,
                instant(state == null ? null : state.getStartedAt()),
                instant(state == null ? null : state.getFinishedAt()),
                labels,
                tcpPorts(inspected),
                Optional.of(InspectedConfig.of(inspected, answer.tree().path("Config"),
                        image(imageId).map(i -> InspectedConfig.image(i.getConfig())).orElse(ImageDefaults.NONE))),
                Optional.ofNullable(state == null || state.getHealth() == null ? null : state.getHealth().getStatus()));
    }

    /** The TCP ports Docker has bound on the droplet, container port to droplet port. */
    private static Map<Integer, Integer> tcpPorts(InspectContainerResponse inspected) {
        var settings = inspected.getNetworkSettings();
        if (settings == null || settings.getPorts() == null) {
            return Map.of();
        }
        Map<Integer, Integer> ports = new HashMap<>();
        settings.getPorts().getBindings().forEach((exposed, bindings) -> {
            if (exposed.getProtocol() != InternetProtocol.TCP || bindings == null) {
                return;
            }
            for (var binding : bindings) {
                try {
                    ports.putIfAbsent(exposed.getPort(), Integer.parseInt(binding.getHostPortSpec()));
                } catch (NumberFormatException e) {
                    // A range or nothing bound yet: not a port fleet can reach.
                }
            }
        });
        return ports;
    }

    private Optional<String> digest(String imageRef, String imageId) throws DropletException {
        Optional<String> pinned = RegistryDigest.pinned(imageRef);
        if (pinned.isPresent() || imageId.isEmpty()) {
            return pinned;
        }
        List<String> repoDigests = image(imageId).map(InspectImageResponse::getRepoDigests).orElse(null);
        return RegistryDigest.fromRepoDigests(imageRef, repoDigests == null ? List.of() : repoDigests);
    }

    /** The image of id {@code imageId}, inspected once per reader; empty when it is gone. */
    private Optional<InspectImageResponse> image(String imageId) throws DropletException {
        if (imageId.isEmpty()) {
            return Optional.empty();
        }
        Optional<InspectImageResponse> known = imagesById.get(imageId);
        if (known == null) {
            known = connection.call("inspecting image " + imageId, docker -> {
                try {
                    return Optional.of(docker.inspectImageCmd(imageId).exec());
                } catch (NotFoundException e) {
                    return Optional.empty();
                }
            });
            imagesById.put(imageId, known);
        }
        return known;
    }

    private static Optional<Instant> instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty() || timestamp.equals(NEVER)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(timestamp));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : String.valueOf(name);
    }

    /** A container name as a literal in Docker's (Go RE2) regex: names allow only [a-zA-Z0-9_.-]. */
    static String regexLiteral(String name) {
        StringBuilder literal = new StringBuilder();
        for (char c : name.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                literal.append('\\');
            }
            literal.append(c);
        }
        return literal.toString();
    }
}
