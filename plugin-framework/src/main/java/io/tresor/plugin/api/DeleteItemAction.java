package io.tresor.plugin.api;

/** A Velero DeleteItemAction: called for items of a backup that is being deleted. Must be thread-safe. */
public interface DeleteItemAction extends ItemAction {

    /** Which items this action is called for. Answered on the I/O thread: return without blocking. */
    ResourceSelector appliesTo() throws ActionException;

    /** Clean up what this plugin stored for the item; errors are recorded on the deletion request. */
    void execute(DeleteItemRequest request) throws ActionException;
}
