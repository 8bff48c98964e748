package io.wmrt.hil.metrics;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads SUMO's {@code --collision-output} file: the collisions it detected, pedestrians included. SUMO
 * reports a contact again for every step it lasts, so reports with the same other party that follow
 * each other by less than {@value #SAME_CONTACT_S} s are one contact.
 */
public final class SumoCollisionLog
{
    public static final double SAME_CONTACT_S = 1.0;

    /** A contact involving the ego: when, and with whom. */
    public record Collision(double timeS, String other)
    {
    }

    private SumoCollisionLog()
    {
    }

    /**
     * Contacts involving {@code egoId}, one per contact, in time order; empty when SUMO wrote no file.
     *
     * @throws IOException naming the file when it is not SUMO's collision output
     */
    public static List<Collision> egoCollisions(final Path file, final String egoId) throws IOException
    {
        return egoCollisions(file, egoId, null);
    }

    /**
     * As {@link #egoCollisions(Path, String)}, leaving out SUMO's reports between the ego and {@code standInId}
     * (null: none), a vehicle the rig keeps where the ego is and that is not another road user.
     *
     * @throws IOException naming the file when it is not SUMO's collision output
     */
    public static List<Collision> egoCollisions(final Path file, final String egoId, final String standInId)
        throws IOException
    {
        if (!Files.isRegularFile(file) || Files.size(file) == 0)
        {
            return List.of();
        }
        final NodeList nodes;
        try
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            nodes = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("collision");
        }
        catch (final SAXException | ParserConfigurationException ex)
        {
            throw new IOException(file + ": not SUMO collision output (" + ex.getMessage() + ")", ex);
        }
        final List<Collision> reports = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Element collision = (Element)nodes.item(i);
            final String collider = collision.getAttribute("collider");
            final String victim = collision.getAttribute("victim");
            final String other = egoId.equals(collider) ? victim : egoId.equals(victim) ? collider : null;
            if (null == other || other.equals(standInId))
            {
                continue;
            }
            final double time;
            try
            {
                time = Double.parseDouble(collision.getAttribute("time"));
            }
            catch (final NumberFormatException ex)
            {
                throw new IOException(file + ": collision " + i + " has time=\"" + collision.getAttribute("time") +
                    "\", not a number", ex);
            }
            reports.add(new Collision(time, other));
        }
        reports.sort((a, b) -> Double.compare(a.timeS(), b.timeS()));
        final List<Collision> contacts = new ArrayList<>();
        final Map<String, Double> lastReport = new HashMap<>();
        for (final Collision report : reports)
        {
            final Double last = lastReport.put(report.other(), report.timeS());
            if (null == last || report.timeS() - last >= SAME_CONTACT_S)
            {
                contacts.add(report);
            }
        }
        return contacts;
    }
}
